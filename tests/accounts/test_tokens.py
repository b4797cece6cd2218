"""API tokens: shown once, stored as a hash, refused when revoked or the agent left."""

from datetime import timedelta

from django.utils import timezone

from tresen.accounts.models import ApiToken, hash_token
from tresen.accounts.selectors import TOKEN_RECHECK, agent_for_token, forget_checked_tokens
from tresen.accounts.services import TOKEN_PREFIX, create_token
from tresen.testing.factories import ApiClient


def test_token_is_stored_only_as_its_hash(agent):
    token = create_token(agent=agent, name="Shop-Backend")

    row = ApiToken.objects.get()
    assert token.startswith(TOKEN_PREFIX)
    assert len(token) > 40
    assert row.key_hash == hash_token(token) != token
    assert row.prefix == token[:12]
    assert row.name == "Shop-Backend"
    assert token not in str(ApiToken.objects.values_list())


def test_tokens_are_unique(agent):
    assert create_token(agent=agent) != create_token(agent=agent)


def test_lookup_finds_the_agent_and_notes_the_use(agent):
    token = create_token(agent=agent)

    assert agent_for_token(token) == agent
    assert ApiToken.objects.get().last_used_at is not None


def test_a_checked_token_is_trusted_briefly_then_checked_again(
    agent, django_assert_num_queries, clock
):
    token = create_token(agent=agent)
    agent_for_token(token)

    with django_assert_num_queries(0):
        assert agent_for_token(token) == agent
    an_hour_ago = clock.now() - timedelta(hours=1)
    ApiToken.objects.update(last_used_at=an_hour_ago)
    clock.advance(seconds=TOKEN_RECHECK.total_seconds() + 1)
    with django_assert_num_queries(2):
        agent_for_token(token)
    assert ApiToken.objects.get().last_used_at > an_hour_ago


def test_wrong_token_finds_nobody(agent):
    token = create_token(agent=agent)

    assert agent_for_token(token + "x") is None
    assert agent_for_token("") is None
    assert agent_for_token(token.upper()) is None


def test_revoked_token_is_rejected(agent):
    token = create_token(agent=agent)
    client = ApiClient(token)
    assert client.get_json("/conversations").status_code == 200

    ApiToken.objects.update(revoked_at=timezone.now())
    forget_checked_tokens()

    assert agent_for_token(token) is None
    assert client.get_json("/conversations").status_code == 401


def test_revocation_reaches_every_process_within_the_recheck_time(agent, clock):
    token = create_token(agent=agent)
    assert agent_for_token(token) == agent
    ApiToken.objects.update(revoked_at=timezone.now())

    assert agent_for_token(token) == agent  # still trusted from the last check
    clock.advance(seconds=TOKEN_RECHECK.total_seconds() + 1)
    assert agent_for_token(token) is None


def test_token_of_a_deactivated_agent_is_rejected(agent):
    token = create_token(agent=agent)
    agent.is_active = False
    agent.save(update_fields=["is_active"])

    assert agent_for_token(token) is None
    assert ApiClient(token).get_json("/conversations").status_code == 401


def test_one_revoked_token_leaves_the_others_working(agent):
    kept = create_token(agent=agent, name="kept")
    create_token(agent=agent, name="revoked")
    ApiToken.objects.filter(name="revoked").update(revoked_at=timezone.now())

    assert agent_for_token(kept) == agent
