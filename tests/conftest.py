"""Fixtures shared by every test: agents of each role, an API client, an inbox."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache

from tresen.accounts.models import Role
from tresen.accounts.selectors import forget_checked_tokens
from tresen.core.events import subscribe, unsubscribe
from tresen.testing.factories import ApiClient, make_agent, make_inbox, make_token
from tresen.testing.mail import SmtpSink


@pytest.fixture(autouse=True)
def _fresh_process_memory():
    # Token checks and badge counts are remembered per process; each test starts without.
    forget_checked_tokens()
    cache.clear()


@pytest.fixture
def admin(db):
    return make_agent(role=Role.ADMIN, email="admin@shop.example", name="Ada Admin")


@pytest.fixture
def lead(db):
    return make_agent(role=Role.LEAD, email="lead@shop.example", name="Lea Lead")


@pytest.fixture
def agent(db):
    return make_agent(role=Role.AGENT, email="agent@shop.example", name="Anton Agent")


@pytest.fixture
def outsider(db):
    """A former agent: the account exists but is deactivated."""
    return make_agent(role=Role.AGENT, email="former@shop.example", is_active=False)


@pytest.fixture
def token(agent):
    return make_token(agent)


@pytest.fixture
def api_client(token):
    """Authenticated as the plain `agent`."""
    return ApiClient(token)


@pytest.fixture
def lead_client(lead):
    return ApiClient(make_token(lead))


@pytest.fixture
def anonymous_client(db):
    return ApiClient()


@pytest.fixture
def sink(settings):
    """A real SMTP server catching what Tresen sends; outbound mail is pointed at it."""
    with SmtpSink() as running:
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = running.port
        settings.EMAIL_USE_TLS = False
        yield running


@pytest.fixture
def inbox(db):
    return make_inbox(channel="api", name="API")


class FakeClock:
    """Stands in for tresen.core.clock.now so tests decide when things happen."""

    def __init__(self, start: datetime):
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta) -> datetime:
        self.current += timedelta(**delta)
        return self.current


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock(datetime(2025, 3, 10, 9, 0, tzinfo=UTC))
    monkeypatch.setattr("tresen.core.clock.now", fake.now)
    return fake


@pytest.fixture
def heard():
    """`heard("message.created", ...)` returns the list those events will be appended to."""
    got: list = []
    names: list[str] = []

    def listen(*event_names: str) -> list:
        for name in event_names:
            subscribe(name)(got.append)
            names.append(name)
        return got

    yield listen
    for name in names:
        unsubscribe(name, got.append)
