from django.db.models import Q, QuerySet

from .models import Customer, Identity


def customers(*, query: str = "") -> QuerySet[Customer]:
    qs = Customer.objects.filter(merged_into__isnull=True).prefetch_related("identities")
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(identities__value__icontains=query.lower()))
        qs = qs.distinct()
    return qs.order_by("-id")


def customer_detail(customer_id: int) -> Customer:
    """Follows merge pointers so old links land on the surviving customer."""
    customer = Customer.objects.get(pk=customer_id)
    seen = {customer.pk}
    while customer.merged_into_id and customer.merged_into_id not in seen:
        seen.add(customer.merged_into_id)
        customer = Customer.objects.get(pk=customer.merged_into_id)
    return customer


def matching_ids(text: str, limit: int = 200) -> list[int]:
    """Customers whose name or one of whose addresses contains ``text``, at most ``limit``:
    two index-free scans that stop early, instead of a join per conversation row."""
    by_name = Customer.objects.filter(name__icontains=text).values_list("pk", flat=True)[:limit]
    by_identity = Identity.objects.filter(value__icontains=text.lower()).values_list(
        "customer_id", flat=True
    )[:limit]
    return list(dict.fromkeys([*by_name, *by_identity]))
