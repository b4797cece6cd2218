"""Reading shops' JSON values: times without an offset are UTC, amounts are exact decimals."""

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation


def utc(value) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def amount(value) -> Decimal:
    """ "12.5", 12.5 or None -> Decimal("12.50"); something unreadable counts as 0."""
    try:
        return Decimal(str(value if value not in (None, "") else 0)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return Decimal(0)
