import pytest

from tresen.nlp.language import detect


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("wo bleibt mein paket??", "de"),
        ("Grüezi, s Velo isch kaputt", "de"),
        ("ok danke", "de"),
        ("refund??", "en"),
        ("invoice pls", "en"),
        ("Bonjour, où est ma commande ?", "fr"),
        ("Waar blijft mijn pakket?", "nl"),
        ("Dove è il mio ordine?", "it"),
        ("¿Dónde está mi pedido?", "es"),
        ("Gdzie jest moja paczka?", "pl"),
    ],
)
def test_languages_of_short_shop_messages(text, language):
    assert detect(text)[0] == language


def test_text_without_letters_has_no_language():
    assert detect("12345 !!!") == ("", 0.0)
