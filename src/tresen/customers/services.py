import re

import email_validator
from django.core.exceptions import ValidationError
from django.db import transaction

from tresen.core.actors import Actor
from tresen.core.events import publish_on_commit

from .models import Customer, CustomerNote, Identity, IdentityKind
from .signals import customers_merging

_NOT_DIGITS = re.compile(r"[^\d+]")


def normalize_identity(kind: str, value: str) -> str:
    value = (value or "").strip()
    if kind not in IdentityKind.values:
        raise ValidationError(f"unknown identity kind {kind!r}")
    if not value:
        raise ValidationError("identity value is empty")
    if kind == IdentityKind.EMAIL:
        value = _normalize_email(value)
    elif kind in (IdentityKind.PHONE, IdentityKind.WHATSAPP):
        value = _NOT_DIGITS.sub("", value)
        if value.startswith("00"):
            value = "+" + value[2:]
        if len(value.lstrip("+")) < 5:
            raise ValidationError(f"not a phone number: {value!r}")
    return value


def _normalize_email(value: str) -> str:
    # email-validator, unlike Django's validator, accepts internationalised addresses
    # (jörg@example.de, kunde@müller.de): German customers have them.
    try:
        return email_validator.validate_email(value, check_deliverability=False).normalized.lower()
    except email_validator.EmailNotValidError as error:
        raise ValidationError(f"not an email address: {value!r} ({error})") from error


def resolve_identity(*, kind: str, value: str, name: str = "", actor: Actor) -> Identity:
    """The identity for this address, creating it and a new customer when unknown."""
    value = normalize_identity(kind, value)
    identity = Identity.objects.select_related("customer").filter(kind=kind, value=value).first()
    if identity is not None:
        if name and not identity.customer.name:
            Customer.objects.filter(pk=identity.customer_id).update(name=name[:200])
            identity.customer.name = name[:200]
        return identity
    # A concurrent creation of the same identity fails on the unique constraint; the caller's
    # transaction starts over (core.transactions.atomic_with_retry) and finds it above.
    customer = Customer.objects.create(name=(name or "")[:200])
    identity = Identity.objects.create(
        customer=customer, kind=kind, value=value, display_name=(name or "")[:200]
    )
    publish_on_commit("customer.created", actor=actor, customer_id=customer.pk)
    return identity


@transaction.atomic
def add_identity(*, customer: Customer, kind: str, value: str, actor: Actor) -> Identity:
    value = normalize_identity(kind, value)
    existing = Identity.objects.filter(kind=kind, value=value).first()
    if existing is not None:
        if existing.customer_id != customer.pk:
            raise ValidationError("this identity belongs to another customer; merge them instead")
        return existing
    identity = Identity.objects.create(customer=customer, kind=kind, value=value)
    publish_on_commit(
        "identity.added", actor=actor, customer_id=customer.pk, identity_id=identity.pk
    )
    return identity


@transaction.atomic
def update_customer(*, customer: Customer, actor: Actor, name: str | None = None) -> Customer:
    if name is not None:
        customer.name = name.strip()[:200]
        customer.save(update_fields=["name"])
    publish_on_commit("customer.updated", actor=actor, customer_id=customer.pk)
    return customer


@transaction.atomic
def add_note(*, customer: Customer, text: str, actor: Actor, author=None) -> CustomerNote:
    text = (text or "").strip()
    if not text:
        raise ValidationError("a note needs text")
    note = CustomerNote.objects.create(customer=customer, author=author, text=text)
    publish_on_commit("customer_note.created", actor=actor, customer_id=customer.pk)
    return note


@transaction.atomic
def merge_customers(*, source: Customer, target: Customer, actor: Actor) -> Customer:
    """Everything of `source` moves to `target`; `source` remains as a pointer."""
    source = Customer.objects.select_for_update().get(pk=source.pk)
    target = Customer.objects.select_for_update().get(pk=target.pk)
    if source.pk == target.pk:
        raise ValidationError("a customer cannot be merged into itself")
    if source.merged_into_id or target.merged_into_id:
        raise ValidationError("one of these customers was merged already")
    Identity.objects.filter(customer=source).update(customer=target)
    CustomerNote.objects.filter(customer=source).update(customer=target)
    if not target.name and source.name:
        target.name = source.name
        target.save(update_fields=["name"])
    customers_merging.send(sender=Customer, source=source, target=target, actor=actor)
    source.merged_into = target
    source.save(update_fields=["merged_into"])
    publish_on_commit("customer.merged", actor=actor, source_id=source.pk, target_id=target.pk)
    return target
