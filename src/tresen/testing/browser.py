"""Helpers for the browser tests."""

import contextlib


def settle(page) -> None:
    """Lets requests the page started after load (the order card, suggestions) finish: the
    live server must not be inside one while the test database is flushed."""
    from playwright.sync_api import TimeoutError as StillBusy

    with contextlib.suppress(StillBusy):
        page.wait_for_load_state("networkidle", timeout=5_000)
