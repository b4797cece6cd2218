"""Waiting for a server a test started in its own process."""

import time
import urllib.request


def wait_for_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (a loopback URL)
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")
