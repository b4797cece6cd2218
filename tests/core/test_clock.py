from datetime import UTC, datetime

import pytest

from tresen.core import clock


def test_replayed_time_applies_inside_the_block_only():
    moment = datetime(2025, 12, 24, 9, 30, tzinfo=UTC)
    before = clock.now()
    with clock.at(moment):
        assert clock.now() == moment
        with clock.at(moment.replace(hour=10)):
            assert clock.now().hour == 10
        assert clock.now() == moment
    assert clock.now() >= before and clock.now() != moment


def test_replayed_time_needs_a_time_zone():
    with pytest.raises(ValueError, match="time zone"), clock.at(datetime(2025, 12, 24, 9, 30)):
        pass
