"""split_reply: the public parser suites (through bench/email_quotes.py) and shop mail by hand."""

import importlib.util
import math
import time
from pathlib import Path

import pytest

from tresen.lib.quotes import SplitReply, split_reply

ROOT = Path(__file__).resolve().parents[2]


def _load_bench():
    path = ROOT / "bench" / "email_quotes.py"
    spec = importlib.util.spec_from_file_location("email_quotes_bench", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _load_bench()
needs_data = pytest.mark.skipif(
    not bench.data_available(),
    reason=f"reply-parser test suites not found at {bench.SHARED_EMAIL}",
)

# What split_reply achieved when this was written (rounded down): a drop is a regression.
SUITE_RATES = {
    "alfonsrv-mail-parser-reply": 0.90,
    "crisp-email-reply-parser": 0.94,
    "github-email_reply_parser": 1.00,
    "mailgun-talon": 0.94,
    "zapier-email-reply-parser": 1.00,
}


@pytest.fixture(scope="module")
def suite_results():
    return bench.evaluate_ours()


@needs_data
def test_every_suite_is_measured(suite_results):
    assert {result.suite for result in suite_results} == set(SUITE_RATES)


@needs_data
@pytest.mark.parametrize("suite", sorted(SUITE_RATES))
def test_suite_pass_rate(suite_results, suite):
    result = next(result for result in suite_results if result.suite == suite)
    failures = "\n".join(f"{case}: {'; '.join(problems)}" for case, problems in result.failures)
    assert math.floor(result.rate * 100) / 100 >= SUITE_RATES[suite], failures


@needs_data
def test_overall_pass_rate(suite_results):
    assert bench.overall_rate(suite_results) >= 0.95


@needs_data
def test_long_quote_finishes_with_the_right_reply():
    text = (bench.SHARED_EMAIL / bench.LONG_QUOTE).read_text(encoding="utf-8")
    started = time.perf_counter()
    result = split_reply(text)
    assert time.perf_counter() - started < 5  # generous: the bench prints the real time
    assert result.reply.startswith("Hi folks")
    assert result.reply.endswith("I am currently using the Java HTTP API.")
    assert result.signature.startswith("-Abhishek Kona")
    assert "riak-users mailing list" in result.signature


@pytest.mark.parametrize(
    "text",
    [
        "On " + "1, " * 20000 + "x",
        "Am 1.1.2020 " * 5000 + "schrieb",
        ">" * 200000 + "\nreply",
        ("From: a\n" * 3000) + "text",
        "-- \n" * 5000,
        ("text line\n> quote\n" * 5000),
        "a" * 300000 + " wrote:",
    ],
)
def test_pathological_input_is_fast(text):
    started = time.perf_counter()
    split_reply(text)
    assert time.perf_counter() - started < 2


# --- typical shop mail, by hand ----------------------------------------------------------------

GMAIL_DE = """Hallo,

ich habe meine Bestellung 100234 noch nicht erhalten. Können Sie bitte nachsehen?

Viele Grüße
Anna Schmidt

Am Mo., 3. März 2025 um 10:15 Uhr schrieb Shop Kundenservice <service@shop.example>:

> Guten Tag Frau Schmidt,
>
> vielen Dank für Ihre Bestellung.
"""

GMAIL_DE_WRAPPED = """Danke, passt.

Am Mo., 3. März 2025 um 10:15 Uhr schrieb Shop Kundenservice <
service@shop.example>:

> Ihre Rücksendung ist angekommen.
"""

OUTLOOK_DE = """Guten Tag,

anbei die Rechnung.

Mit freundlichen Grüßen
Max Mustermann

________________________________
Von: Shop Kundenservice <service@shop.example>
Gesendet: Montag, 3. März 2025 10:15
An: Max Mustermann <max@example.de>
Betreff: AW: Reklamation 4711

Sehr geehrter Herr Mustermann,

bitte senden Sie uns die Rechnung.
"""

ORIGINAL_MESSAGE_DE = """Bitte stornieren Sie die Bestellung.

-----Ursprüngliche Nachricht-----
Von: service@shop.example
Gesendet: Montag, 3. März 2025 10:15
An: kunde@example.de
Betreff: Ihre Bestellung

Vielen Dank für Ihre Bestellung.
"""

IPHONE_DE = """Wo bleibt mein Paket?

Von meinem iPhone gesendet

> Am 03.03.2025 um 10:15 schrieb Shop <service@shop.example>:
>
> Ihr Paket ist unterwegs.
"""

INLINE_DE = """Hallo,

> Welche Größe wünschen Sie?

Größe M bitte.

> Und welche Farbe?

Blau.

> Mit freundlichen Grüßen
> Ihr Shop-Team
"""

ORDER_IN_SIGNATURE = """Hallo, die Lieferung ist unvollständig, es fehlt die Hose.

Mit freundlichen Grüßen
Max Mustermann
Bestellnummer: 100234
"""

FORWARD_ONLY = """---------- Forwarded message ---------
Von: DHL <noreply@dhl.example>
Date: Mo., 3. März 2025 um 09:00 Uhr
Subject: Ihre Sendung
To: <anna@example.de>

Ihre Sendung 00340434 wurde zugestellt.
"""

APPLE_EN = """Hi,

the shoes are too small, can I exchange them for size 42?

Thanks,
Tom

Sent from my iPhone

> On 3 Mar 2025, at 10:15, Shop Support <support@shop.example> wrote:
>
> Your order has shipped.
"""

OUTLOOK_EN = """Please cancel order #4711.

From: Shop Support <support@shop.example>
Sent: Monday, March 3, 2025 10:15 AM
To: Jane Doe <jane@example.com>
Subject: RE: Your order

Hello Jane,
"""

OUTLOOK_APP_DE = """Ja, bitte erstatten.

Holen Sie sich Outlook für Android<https://aka.ms/AAb9ysg>
________________________________
From: Shop <service@shop.example>
Sent: Monday, March 3, 2025 10:15 AM
To: kunde@example.de
Subject: Erstattung
"""

THUNDERBIRD_DE = """Passt so.

Am 13.12.2017 um 21:11 schrieb Shop-Team:
Sehr geehrte Kundin,
Ihre Ware ist unterwegs.
"""

GMX_DE = """Hallo,
wann kommt meine Ware?

Gesendet: Montag, 03. März 2025 um 10:15 Uhr
Von: "Shop" <service@shop.example>
An: petra@example.de
Betreff: Ihre Bestellung 100234

Sehr geehrte Kundin,
"""

WEBDE_APP = """Ok, danke.

Gesendet mit der WEB.DE Mail App

Am 03.03.25, 10:15 schrieb Shop <service@shop.example>:
> Hallo
"""

WITHDRAWAL_FORM = """Sehr geehrte Damen und Herren,

hiermit widerrufe ich den Kauf.

An: Shop GmbH, Musterstraße 1, 12345 Berlin
Hiermit widerrufe ich den von mir abgeschlossenen Vertrag über den Kauf der folgenden Waren:
Jacke, Größe M
Bestellt am: 01.03.2025 / erhalten am: 04.03.2025
Name des Verbrauchers: Max Mustermann
Datum: 12.03.2025

Mit freundlichen Grüßen
Max Mustermann
"""

PROSE_NOT_HEADER = """Hallo,

am 12.03. habe ich bestellt, Ihr Kollege schrieb mir dann:
"Die Ware kommt morgen."
Sie kam aber nicht.

Gruß
Jan
"""


@pytest.mark.parametrize(
    ("text", "reply", "signature", "quoted_start"),
    [
        (
            GMAIL_DE,
            "Hallo,\n\nich habe meine Bestellung 100234 noch nicht erhalten. "
            "Können Sie bitte nachsehen?",
            "Viele Grüße\nAnna Schmidt",
            "Am Mo., 3. März 2025 um 10:15 Uhr schrieb",
        ),
        (GMAIL_DE_WRAPPED, "Danke, passt.", "", "Am Mo., 3. März 2025"),
        (
            OUTLOOK_DE,
            "Guten Tag,\n\nanbei die Rechnung.",
            "Mit freundlichen Grüßen\nMax Mustermann",
            "________________________________\nVon: Shop Kundenservice",
        ),
        (ORIGINAL_MESSAGE_DE, "Bitte stornieren Sie die Bestellung.", "", "-----Ursprüngliche"),
        (IPHONE_DE, "Wo bleibt mein Paket?", "Von meinem iPhone gesendet", "> Am 03.03.2025"),
        (
            APPLE_EN,
            "Hi,\n\nthe shoes are too small, can I exchange them for size 42?",
            "Thanks,\nTom\n\nSent from my iPhone",
            "> On 3 Mar 2025",
        ),
        (OUTLOOK_EN, "Please cancel order #4711.", "", "From: Shop Support"),
        (OUTLOOK_APP_DE, "Ja, bitte erstatten.", "Holen Sie sich Outlook", "______"),
        (THUNDERBIRD_DE, "Passt so.", "", "Am 13.12.2017 um 21:11 schrieb Shop-Team:"),
        (GMX_DE, "Hallo,\nwann kommt meine Ware?", "", "Gesendet: Montag, 03. März 2025"),
        (WEBDE_APP, "Ok, danke.", "Gesendet mit der WEB.DE Mail App", "Am 03.03.25, 10:15"),
        ("Super, danke!\n\n> Ihr Paket ist unterwegs.", "Super, danke!", "", "> Ihr Paket"),
    ],
)
def test_shop_replies(text, reply, signature, quoted_start):
    result = split_reply(text)
    assert result.reply == reply
    assert result.signature.startswith(signature)
    assert result.quoted.startswith(quoted_start)


def test_inline_answers_keep_their_questions():
    result = split_reply(INLINE_DE)
    assert "> Welche Größe wünschen Sie?\n\nGröße M bitte." in result.reply
    assert result.reply.endswith("Blau.")
    assert result.quoted.startswith("> Mit freundlichen Grüßen")


def test_order_number_is_never_hidden_in_a_signature():
    result = split_reply(ORDER_IN_SIGNATURE)
    assert "Bestellnummer: 100234" in result.reply
    assert result.signature == ""


def test_a_forward_is_content():
    result = split_reply(FORWARD_ONLY)
    assert result == SplitReply(FORWARD_ONLY.strip(), "", "")


def test_prose_that_mentions_writing_is_no_quote_header():
    result = split_reply(PROSE_NOT_HEADER)
    assert "Sie kam aber nicht." in result.reply
    assert result.quoted == ""
    assert result.signature == "Gruß\nJan"


def test_a_pasted_withdrawal_form_is_no_header_block():
    result = split_reply(WITHDRAWAL_FORM)
    assert result.reply.endswith("Datum: 12.03.2025")
    assert "An: Shop GmbH" in result.reply
    assert result.signature == "Mit freundlichen Grüßen\nMax Mustermann"
    assert result.quoted == ""


def test_the_closing_alone_is_kept():
    assert split_reply("Mit freundlichen Grüßen\nMax").reply == "Mit freundlichen Grüßen\nMax"


def test_a_mail_that_is_only_a_quote_is_kept():
    text = "Am 13.12.2017 um 21:11 schrieb Shop <service@shop.example>:\n> Ihre Bestellung"
    assert split_reply(text) == SplitReply(text, "", "")


def test_line_endings_are_normalised():
    header = "Am 13.12.2017 um 21:11 schrieb Shop <s@shop.example>:"
    result = split_reply(f"Ja.\r\n\r\n{header}\r\n> x\r> y")
    assert result == SplitReply("Ja.", "", f"{header}\n> x\n> y")


def test_dash_dash_space_signature():
    result = split_reply("Die Ware ist defekt, Fotos anbei.\n\n-- \nMax Mustermann\nMusterstraße 1")
    assert result.reply == "Die Ware ist defekt, Fotos anbei."
    assert result.signature == "-- \nMax Mustermann\nMusterstraße 1"


def test_empty_text():
    assert split_reply("") == SplitReply("", "", "")
