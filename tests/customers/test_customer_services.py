"""customers.services: identities are normalised, resolved once, and merged by rule."""

import pytest
from django.core.exceptions import ValidationError

from tresen.core.actors import SYSTEM, Actor
from tresen.customers import services
from tresen.customers.models import Customer, CustomerNote, Identity
from tresen.testing.factories import as_actor, make_conversation, make_inbox, receive


@pytest.mark.parametrize(
    "kind, raw, expected",
    [
        ("email", "  Kunde@Example.DE ", "kunde@example.de"),
        ("phone", "0171 / 123 45-67", "01711234567"),
        ("phone", "+49 (171) 1234567", "+491711234567"),
        ("phone", "0049 171 1234567", "+491711234567"),
        ("whatsapp", "0049-171-1234567", "+491711234567"),
        ("chat", " visitor-3f2a ", "visitor-3f2a"),
    ],
)
def test_normalize_identity(kind, raw, expected):
    assert services.normalize_identity(kind, raw) == expected


@pytest.mark.parametrize(
    "kind, raw, problem",
    [
        ("email", "kunde-at-example.de", ""),
        ("email", "   ", "empty"),
        ("phone", "12-34", "not a phone number"),
        ("fax", "0301234567", "unknown identity kind"),
    ],
)
def test_normalize_identity_refuses(kind, raw, problem):
    with pytest.raises(ValidationError) as caught:
        services.normalize_identity(kind, raw)

    assert problem in " ".join(caught.value.messages)


def test_resolve_creates_once_and_then_finds(db):
    first = services.resolve_identity(kind="email", value="Kunde@Example.de", actor=SYSTEM)
    again = services.resolve_identity(kind="email", value="kunde@example.de ", actor=SYSTEM)

    assert again.pk == first.pk
    assert again.customer_id == first.customer_id
    assert Customer.objects.count() == 1


def test_resolve_fills_a_missing_name_but_keeps_a_known_one(db):
    nameless = services.resolve_identity(kind="email", value="a@example.de", actor=SYSTEM)
    named = services.resolve_identity(
        kind="email", value="a@example.de", name="Anna Alt", actor=SYSTEM
    )
    renamed = services.resolve_identity(
        kind="email", value="a@example.de", name="Someone Else", actor=SYSTEM
    )

    assert nameless.customer.name == ""
    assert named.customer.name == renamed.customer.name == "Anna Alt"
    assert Customer.objects.get().name == "Anna Alt"


def test_resolve_publishes_customer_created_only_for_new_customers(
    db, heard, django_capture_on_commit_callbacks
):
    got = heard("customer.created")
    with django_capture_on_commit_callbacks(execute=True):
        identity = services.resolve_identity(kind="email", value="b@example.de", actor=SYSTEM)
        services.resolve_identity(kind="email", value="b@example.de", actor=SYSTEM)

    assert [e.data for e in got] == [{"customer_id": identity.customer_id}]


def test_losing_a_race_for_a_new_identity_retries_and_joins_the_winner(
    transactional_db, monkeypatch
):
    """Another request created the identity between our lookup and our insert."""
    inbox = make_inbox()
    winner = services.resolve_identity(kind="email", value="race@example.de", actor=SYSTEM)
    real_select_related = Identity.objects.select_related
    calls = []

    def first_lookup_misses(*fields):
        calls.append(fields)
        if len(calls) == 1:
            return Identity.objects.none()
        return real_select_related(*fields)

    monkeypatch.setattr(Identity.objects, "select_related", first_lookup_misses)

    message = receive(inbox, email="race@example.de")

    assert len(calls) == 2
    assert message.conversation.customer_id == winner.customer_id
    # The customer the losing attempt had created was rolled back with it.
    assert Customer.objects.count() == 1


def test_add_identity_of_another_customer_is_refused(db):
    anna = services.resolve_identity(kind="email", value="anna@example.de", actor=SYSTEM)
    bert = services.resolve_identity(kind="email", value="bert@example.de", actor=SYSTEM)

    with pytest.raises(ValidationError, match="merge"):
        services.add_identity(
            customer=bert.customer, kind="email", value="ANNA@example.de", actor=SYSTEM
        )
    again = services.add_identity(
        customer=anna.customer, kind="email", value="anna@example.de", actor=SYSTEM
    )

    assert again.pk == anna.pk
    assert Identity.objects.count() == 2


class TestMerge:
    @pytest.fixture
    def pair(self, inbox):
        target = make_conversation(inbox, email="anna@example.de").customer
        source = make_conversation(inbox, email="anna.alt@example.de", name="Anna Alt").customer
        return source, target

    def test_merge_moves_identities_notes_conversations(self, pair, lead):
        source, target = pair
        services.add_note(customer=source, text="Stammkundin", actor=as_actor(lead))

        merged = services.merge_customers(source=source, target=target, actor=as_actor(lead))

        assert merged.pk == target.pk
        assert set(target.identities.values_list("value", flat=True)) == {
            "anna@example.de",
            "anna.alt@example.de",
        }
        assert list(CustomerNote.objects.values_list("customer_id", flat=True)) == [target.pk]
        assert target.conversations.count() == 2
        assert source.conversations.count() == 0
        source.refresh_from_db()
        assert source.merged_into == target

    def test_target_without_name_takes_the_sources(self, pair, lead):
        source, target = pair

        services.merge_customers(source=source, target=target, actor=as_actor(lead))

        target.refresh_from_db()
        assert target.name == "Anna Alt"

    def test_target_name_wins(self, pair, lead):
        source, target = pair
        services.update_customer(customer=target, name="Anna Neu", actor=as_actor(lead))

        services.merge_customers(source=source, target=target, actor=as_actor(lead))

        target.refresh_from_db()
        assert target.name == "Anna Neu"

    def test_merge_into_itself_is_refused(self, pair, lead):
        _, target = pair

        with pytest.raises(ValidationError, match="itself"):
            services.merge_customers(source=target, target=target, actor=as_actor(lead))

    @pytest.mark.parametrize("merged_side", ["source", "target"])
    def test_merged_customers_cannot_take_part_again(self, pair, inbox, lead, merged_side):
        source, target = pair
        third = make_conversation(inbox, email="dritte@example.de").customer
        services.merge_customers(source=source, target=target, actor=as_actor(lead))

        with pytest.raises(ValidationError, match="merged already"):
            if merged_side == "source":
                services.merge_customers(source=source, target=third, actor=as_actor(lead))
            else:
                services.merge_customers(source=third, target=source, actor=as_actor(lead))
        assert third.conversations.count() == 1
        assert Customer.objects.get(pk=third.pk).merged_into is None

    def test_merge_publishes_on_commit(self, pair, lead, heard, django_capture_on_commit_callbacks):
        source, target = pair
        got = heard("customer.merged")

        with django_capture_on_commit_callbacks(execute=True):
            services.merge_customers(source=source, target=target, actor=as_actor(lead))
            assert got == []

        [event] = got
        assert event.data == {"source_id": source.pk, "target_id": target.pk}
        assert event.actor == Actor("agent", lead.pk, "Lea Lead")

    def test_failed_merge_leaves_everything_in_place(self, pair, lead, monkeypatch):
        source, target = pair

        def broken(**kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr("tresen.conversations.services.move_customer", broken)
        with pytest.raises(RuntimeError):
            services.merge_customers(source=source, target=target, actor=as_actor(lead))

        assert source.identities.count() == 1
        assert source.conversations.count() == 1
        assert Customer.objects.get(pk=source.pk).merged_into is None


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("Kunde@Example.DE", "kunde@example.de"),
        ("  jörg.müller@example.de ", "jörg.müller@example.de"),
        ("info@müller-shop.de", "info@müller-shop.de"),
    ],
)
def test_email_identities_are_normalised_and_may_be_international(written, stored):
    assert services.normalize_identity("email", written) == stored


@pytest.mark.parametrize("written", ["kunde@", "kunde at example.de", "a@b"])
def test_malformed_email_is_refused_with_the_reason(written):
    with pytest.raises(ValidationError, match="not an email address"):
        services.normalize_identity("email", written)
