from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from tresen.core.actors import Actor

from . import selectors, services
from .models import Customer

router = Router(tags=["customers"])


class IdentityOut(Schema):
    kind: str
    value: str


class NoteOut(Schema):
    id: int
    text: str
    author: str | None
    created_at: datetime


class CustomerOut(Schema):
    id: int
    name: str
    identities: list[IdentityOut]
    created_at: datetime


class CustomerDetailOut(CustomerOut):
    notes: list[NoteOut]
    merged_from: list[int]


class CustomerPage(Schema):
    items: list[CustomerOut]
    offset: int
    limit: int
    has_more: bool


class MergeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    source_id: int
    target_id: int


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(..., min_length=1, max_length=10_000)


class ListQuery(Schema):
    q: str = Field("", max_length=200)
    offset: int = Field(0, ge=0)
    limit: int = Field(50, ge=1, le=200)


def customer_out(c: Customer) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "identities": [{"kind": i.kind, "value": i.value} for i in c.identities.all()],
        "created_at": c.created_at,
    }


def customer_detail_out(c: Customer) -> dict:
    out = customer_out(c)
    out["notes"] = [
        {
            "id": n.pk,
            "text": n.text,
            "author": n.author.display_name if n.author else None,
            "created_at": n.created_at,
        }
        for n in c.notes.select_related("author")
    ]
    out["merged_from"] = list(c.merged_from.values_list("pk", flat=True))
    return out


@router.get("", response=CustomerPage)
def list_customers(request, params: Query[ListQuery]):
    rows = list(
        selectors.customers(query=params.q)[params.offset : params.offset + params.limit + 1]
    )
    return {
        "items": [customer_out(c) for c in rows[: params.limit]],
        "offset": params.offset,
        "limit": params.limit,
        "has_more": len(rows) > params.limit,
    }


@router.get("/{int:customer_id}", response=CustomerDetailOut)
def get_customer(request, customer_id: int):
    return customer_detail_out(selectors.customer_detail(customer_id))


@router.post("/merge", response=CustomerDetailOut)
def merge(request, payload: MergeIn):
    """Moves identities, notes and conversations of source to target. Leads and admins only."""
    if not request.auth.is_lead:
        raise PermissionDenied("merging customers needs the lead or admin role")
    source = get_object_or_404(Customer, pk=payload.source_id)
    target = get_object_or_404(Customer, pk=payload.target_id)
    merged = services.merge_customers(source=source, target=target, actor=Actor.agent(request.auth))
    return customer_detail_out(selectors.customer_detail(merged.pk))


@router.post("/{int:customer_id}/notes", response={201: NoteOut})
def post_note(request, customer_id: int, payload: NoteIn):
    customer = selectors.customer_detail(customer_id)
    note = services.add_note(
        customer=customer, text=payload.text, actor=Actor.agent(request.auth), author=request.auth
    )
    return Status(
        201,
        {
            "id": note.pk,
            "text": note.text,
            "author": request.auth.display_name,
            "created_at": note.created_at,
        },
    )
