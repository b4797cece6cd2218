"""Small pure pieces: the visitor's language, the shop's colours, the promised answer time."""

import pytest
from django.utils import translation

from tresen.portal.language import from_accept_language
from tresen.portal.shop import answer_time, branding, contrast


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", None),
        ("de-DE,de;q=0.9,en;q=0.8", "de"),
        ("en-US,en;q=0.9", "en"),
        ("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", "en"),
        ("de;q=0.5,en;q=0.5", "de"),
        ("EN", "en"),
        ("en;q=abc,de;q=0.1", "de"),
        ("pt-BR,es", None),
    ],
)
def test_accept_language(header, expected):
    assert from_accept_language(header) == expected


@pytest.mark.parametrize(
    "color", ["#1f5fbf", "#ffd400", "#ffffff", "#000", "#0e6e5c", "#e0e0e0", "#7a7a7a", "#ff5a36"]
)
def test_colours_stay_readable_whatever_the_shop_picks(settings, color):
    settings.TRESEN_SHOP_COLOR = color
    shop = branding()
    assert contrast(shop["color"], shop["ink"]) >= 4.5
    assert contrast(shop["text"], "#ffffff") >= 4.5


@pytest.mark.parametrize(
    ("hours", "words"),
    [
        (1, "We usually answer within an hour."),
        (4, "We usually answer within 4 hours."),
        (8, "We usually answer within one working day."),
        (24, "We usually answer within one working day."),
        (48, "We usually answer within 2 working days."),
        (60, "We usually answer within 3 working days."),
    ],
)
def test_answer_time_in_plain_words(hours, words):
    with translation.override("en"):
        assert answer_time(hours) == words


def test_answer_time_comes_from_settings(settings):
    settings.TRESEN_CONTACT_REPLY_HOURS = "nonsense"
    with translation.override("en"):
        assert answer_time() == "We usually answer within one working day."
        settings.TRESEN_CONTACT_REPLY_HOURS = 2
        assert answer_time() == "We usually answer within 2 hours."
