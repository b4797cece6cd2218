"""The in-process event bus: after commit only, names are noun.past_verb, listeners isolated."""

import logging

import pytest
from django.db import transaction

from tresen.core.actors import SYSTEM, Actor
from tresen.core.events import Event, publish_on_commit, subscribe, unsubscribe


@pytest.fixture
def listeners():
    """Registers listeners for the test and removes them afterwards."""
    added = []

    def add(name, listener):
        subscribe(name)(listener)
        added.append((name, listener))
        return listener

    yield add
    for name, listener in added:
        unsubscribe(name, listener)


@pytest.mark.django_db
def test_published_after_commit_with_actor_and_data(heard, django_capture_on_commit_callbacks):
    got = heard("thing.happened")

    with django_capture_on_commit_callbacks(execute=True):
        publish_on_commit("thing.happened", actor=SYSTEM, thing_id=3)
        assert got == []

    assert got == [Event("thing.happened", SYSTEM, {"thing_id": 3})]


@pytest.mark.django_db
def test_rolled_back_transaction_publishes_nothing(heard, django_capture_on_commit_callbacks):
    got = heard("thing.happened")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            publish_on_commit("thing.happened", actor=SYSTEM)
            raise ZeroDivisionError
        publish_on_commit("thing.happened", actor=SYSTEM, kept=True)

    assert len(callbacks) == 1
    assert [e.data for e in got] == [{"kept": True}]


@pytest.mark.django_db(transaction=True)
def test_published_at_once_outside_a_transaction(heard):
    got = heard("thing.happened")

    publish_on_commit("thing.happened", actor=SYSTEM)

    assert len(got) == 1


@pytest.mark.django_db
def test_only_listeners_of_that_name_hear_it(heard, listeners, django_capture_on_commit_callbacks):
    other = []
    listeners("thing.deleted", other.append)
    got = heard("thing.happened")

    with django_capture_on_commit_callbacks(execute=True):
        publish_on_commit("thing.happened", actor=SYSTEM)

    assert len(got) == 1
    assert other == []


@pytest.mark.django_db
def test_a_failing_listener_does_not_stop_the_others(
    listeners, django_capture_on_commit_callbacks, caplog
):
    heard_by = []

    def broken(event):
        raise RuntimeError("listener bug")

    listeners("thing.happened", lambda e: heard_by.append("first"))
    listeners("thing.happened", broken)
    listeners("thing.happened", lambda e: heard_by.append("third"))

    with (
        caplog.at_level(logging.ERROR, logger="tresen.core.events"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        publish_on_commit("thing.happened", actor=SYSTEM)

    assert heard_by == ["first", "third"]
    assert "thing.happened" in caplog.text
    assert "listener bug" in caplog.text


@pytest.mark.parametrize("name", ["created", "", "messagecreated"])
def test_event_names_need_a_dot(name):
    with pytest.raises(ValueError, match="noun.past_verb"):
        publish_on_commit(name, actor=SYSTEM)


def test_subscribing_twice_registers_once(listeners, db, django_capture_on_commit_callbacks):
    got = []
    listeners("thing.happened", got.append)
    listeners("thing.happened", got.append)

    with django_capture_on_commit_callbacks(execute=True):
        publish_on_commit("thing.happened", actor=SYSTEM)

    assert len(got) == 1


def test_unsubscribe_stops_delivery(db, django_capture_on_commit_callbacks):
    got = []
    subscribe("thing.happened")(got.append)
    unsubscribe("thing.happened", got.append)
    unsubscribe("thing.happened", got.append)  # a second time is harmless

    with django_capture_on_commit_callbacks(execute=True):
        publish_on_commit("thing.happened", actor=SYSTEM)

    assert got == []


def test_actor_kinds_are_checked():
    with pytest.raises(ValueError, match="unknown actor kind"):
        Actor("robot")
    assert Actor("rule", 1).fires_rules is False
    assert SYSTEM.fires_rules is True
