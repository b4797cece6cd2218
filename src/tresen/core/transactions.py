"""Transactions that survive a lost race on a unique constraint by starting over."""

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, transaction

T = TypeVar("T")


def atomic_with_retry(work: Callable[[], T], *, attempts: int = 3) -> T:
    """Runs `work` in a transaction; when a concurrent writer won a unique-constraint race,
    runs it again, and `work` then finds what the winner wrote (it looks before it inserts).

    Inside someone else's transaction it joins that one: only the outermost caller can retry.
    """
    if transaction.get_connection().in_atomic_block:
        return work()
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                return work()
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")
