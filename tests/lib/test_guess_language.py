import pytest

from tresen.lib.text import guess_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Mein Tisch kam zerkratzt an.", "de"),
        ("hallo, wo bleibt meine bestellung??", "de"),
        ("Where is my order? Thanks", "en"),
        ("Hello, the lamp I ordered is broken", "en"),
        ("NH-128846", ""),
        ("", ""),
    ],
)
def test_guess_language(text, language):
    assert guess_language(text) == language
