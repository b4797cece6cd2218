import pytest

from tresen.nlp.entities import KINDS, extract, mask, mask_iban

FORMATS = {"order_number_format": "NH-######", "gift_card_format": "GC-****-****-****"}


def found(text: str) -> dict[str, list[str]]:
    return {kind: values for kind, values in extract(text, **FORMATS).items() if values}


def test_every_kind_is_always_present_even_when_empty():
    assert list(extract("Hallo")) == list(KINDS)
    assert all(values == [] for values in extract("Hallo").values())


def test_order_numbers_are_deduplicated_in_order_of_first_appearance():
    text = "Es geht um nh 130001 und NH-128846, nochmal: NH130001."
    assert found(text) == {"order_numbers": ["NH-130001", "NH-128846"]}


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Sendungsnummer 0034 0434 1612 3456 7890, DHL.", "00340434161234567890"),
        ("Die DPD Paketnummer ist 01505012345678, danke", "01505012345678"),
        ("GLS 12345678901 kam nicht an", "12345678901"),
        ("Hermes sagt H1234567890123456789", "H1234567890123456789"),
        ("UPS: 1Z 999 AA1 01 2345 6784", "1Z999AA10123456784"),
        ("My parcel number is 12345678901.", "12345678901"),
        ("tracking: JJD00312345678901234", "JJD00312345678901234"),
        (
            "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=00340434161234567890",
            "00340434161234567890",
        ),
        (
            "https://tracking.dpd.de/status/de_DE/parcel/01505012345678 hilft nicht",
            "01505012345678",
        ),
    ],
)
def test_tracking_numbers_plain_grouped_and_in_links(text, number):
    assert found(text)["tracking_numbers"] == [number]


def test_a_long_number_without_parcel_words_is_not_a_tracking_number():
    assert "tracking_numbers" not in found("Kundennummer 12345678901 und Artikel 44120")


def test_phone_words_claim_a_number_that_parcel_words_would_also_fit():
    result = found("Die DHL Sendung kam nicht. Tel. 0151 2345 6789")
    assert result == {"phone_numbers": ["+4915123456789"]}


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("Tel. 0151 2345 6789", "+4915123456789"),
        ("ruf mich an: +49 (0)40 123 456 78", "+494012345678"),
        ("erreichbar unter 0043 664 1234567", "+436641234567"),
        ("call me on +44 7700 900123", "+447700900123"),
        ("Telefon (040) 123-456", "+4940123456"),
    ],
)
def test_phone_numbers_become_plus_and_digits(text, phone):
    assert found(text)["phone_numbers"] == [phone]


def test_dates_postcodes_and_article_numbers_are_no_phone_numbers():
    assert found("Bestellt am 12.03.2026, PLZ 20095, Art.-Nr. 44120, 3 Stück") == {}


def test_emails_are_lower_cased():
    assert found("Schreib an Anna.Schmidt@Web.DE.")["emails"] == ["anna.schmidt@web.de"]


def test_ibans_need_a_valid_check_sum_and_lose_their_spaces():
    assert found("IBAN: DE89 3704 0044 0532 0130 00 bitte")["ibans"] == ["DE89370400440532013000"]
    assert "ibans" not in found("IBAN: DE88 3704 0044 0532 0130 00 bitte")


def test_an_ibans_digits_are_not_also_a_phone_number():
    assert found("Konto AT61 1904 3002 3457 3201, Tel 0151 1234567") == {
        "ibans": ["AT611904300234573201"],
        "phone_numbers": ["+491511234567"],
    }


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("49,90 €", "49.90 EUR"),
        ("€49.90", "49.90 EUR"),
        ("EUR 49,90", "49.90 EUR"),
        ("49.90 Euro", "49.90 EUR"),
        ("1.299,00 €", "1299.00 EUR"),
        ("CHF 120.–", "120.00 CHF"),
        ("Fr. 45", "45.00 CHF"),
        ("120 Franken", "120.00 CHF"),
        ("$15", "15.00 USD"),
        ("£20", "20.00 GBP"),
        ("15 Euro", "15.00 EUR"),
        ("1,299.50 USD", "1299.50 USD"),
    ],
)
def test_amounts_with_currency(text, amount):
    assert found(f"Es waren {text} insgesamt")["amounts"] == [amount]


def test_percentages_and_bare_numbers_are_no_amounts():
    assert "amounts" not in found("20 % Rabatt auf 3 Kissen, Code SOMMER20")


def test_discount_codes_are_not_gift_cards_but_gift_cards_are():
    assert found("Code SOMMER20 und Gutschein gc-ab12-cd34-ef56") == {
        "gift_card_codes": ["GC-AB12-CD34-EF56"]
    }


def test_without_shop_formats_no_order_numbers_are_guessed():
    assert extract("Bestellung NH-128846")["order_numbers"] == []


def test_mask_hides_ibans_and_card_numbers():
    masked = mask("IBAN DE89 3704 0044 0532 0130 00, Karte 4111 1111 1111 1111, danke.")
    assert masked == "IBAN DE89 •••• 3000, Karte •••• 1111, danke."
    assert mask_iban("de89 3704 0044 0532 0130 00") == "DE89 •••• 3000"
    # A parcel number is no card number: it stays readable.
    assert (
        mask("DPD 01505012345678 und 4111111111111112") == "DPD 01505012345678 und 4111111111111112"
    )
