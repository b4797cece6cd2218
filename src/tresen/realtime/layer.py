"""The embedded channel layer: Channels' in-memory layer with its expiry scan rationed.

Channels scans every channel and group for expired messages on each receive and group
send; every socket waits in a receive, so with 500 sockets the scans took 60 % of the web
process's CPU (profiled with py-spy under bench/chat_latency.py). Here a scan runs at most
once a second; messages still expire, a second later at worst.
"""

import time

from channels.layers import InMemoryChannelLayer

SCAN_EVERY = 1.0


class RationedInMemoryChannelLayer(InMemoryChannelLayer):
    _scanned_at = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._scanned_at >= SCAN_EVERY:
            self._scanned_at = now
            super()._clean_expired()
