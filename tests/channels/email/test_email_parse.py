"""parse_email against the public MIME fixture suites and hand-made edge cases."""

import random
import time
from dataclasses import fields, is_dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest

from tresen.channels.email.headers import normalize_message_id
from tresen.channels.email.parse import ParsedEmail, message_ids, parse_email

FIXTURES = (Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "email").resolve()
FLANKER = FIXTURES / "email-mime-mailgun-flanker" / "tests" / "fixtures" / "messages"
MIKEL = FIXTURES / "email-mime-mikel-mail" / "spec" / "fixtures" / "emails"
TALON = FIXTURES / "email-mailgun-talon" / "tests" / "fixtures" / "standard_replies"

needs_fixtures = pytest.mark.skipif(
    not FIXTURES.is_dir(), reason=f"shared email fixtures not found at {FIXTURES}"
)
ALL_FIXTURE_FILES = (
    sorted(p for p in FIXTURES.rglob("*") if p.is_file()) if FIXTURES.is_dir() else []
)


def parse_fixture(relative: str) -> ParsedEmail:
    return parse_email((FIXTURES / relative).read_bytes())


def assert_storable(value: object) -> None:
    """Every string must survive a UTF-8 database: no lone surrogates, no NUL."""
    if isinstance(value, str):
        value.encode("utf-8")
        assert "\x00" not in value
    elif isinstance(value, tuple):
        for item in value:
            assert_storable(item)
    elif is_dataclass(value):
        for field in fields(value):
            assert_storable(getattr(value, field.name))


# --- every fixture ---------------------------------------------------------------------------


@needs_fixtures
@pytest.mark.parametrize(
    "path", ALL_FIXTURE_FILES, ids=[str(p.relative_to(FIXTURES)) for p in ALL_FIXTURE_FILES]
)
def test_every_fixture_file_parses_into_storable_strings(path):
    parsed = parse_email(path.read_bytes())

    assert isinstance(parsed, ParsedEmail)
    assert_storable(parsed)
    assert all(attachment.filename for attachment in parsed.attachments)


KNOWN_MALFORMED = [
    "email-mime-mailgun-flanker/tests/fixtures/messages/missing-final-boundary.eml",
    "email-mime-mailgun-flanker/tests/fixtures/messages/mailformed-headers.eml",
    "email-mime-mailgun-flanker/tests/fixtures/messages/false-multipart.eml",
    "email-mime-mailgun-flanker/tests/fixtures/messages/enclosed-broken.eml",
    "email-mime-mailgun-flanker/tests/fixtures/messages/spam/broken-ctype.eml",
    "email-mime-mailgun-flanker/tests/fixtures/messages/spam/broken-headers.eml",
    "email-mime-mikel-mail/spec/fixtures/emails/error_emails/bad_date_header.eml",
    "email-mime-mikel-mail/spec/fixtures/emails/error_emails/bad_date_header2.eml",
    "email-mime-mikel-mail/spec/fixtures/emails/error_emails/bad_encoded_subject.eml",
    "email-mime-mikel-mail/spec/fixtures/emails/error_emails/content_transfer_encoding_empty.eml",
    "email-mime-mikel-mail/spec/fixtures/emails/error_emails/content_transfer_encoding_plain.eml",
    "email-mime-mikel-mail/spec/fixtures/emails/error_emails/content_transfer_encoding_spam.eml",
    "email-mime-mikel-mail/spec/fixtures/emails/error_emails/content_transfer_encoding_text-html.eml",
    "email-mime-mikel-mail/spec/fixtures/emails/error_emails/content_transfer_encoding_with_8bits.eml",
    "email-mime-mikel-mail/spec/fixtures/emails/error_emails/content_transfer_encoding_x_uuencode.eml",
    "email-mime-mikel-mail/spec/fixtures/emails/error_emails/empty_in_reply_to.eml",
    "email-mime-mikel-mail/spec/fixtures/emails/error_emails/invalid_subject_characters.eml",
    "email-mime-mikel-mail/spec/fixtures/emails/error_emails/missing_body.eml",
    "email-mime-mikel-mail/spec/fixtures/emails/error_emails/multiple_content_types.eml",
    "email-mime-mikel-mail/spec/fixtures/emails/error_emails/multiple_invalid_content_dispositions.eml",
    "email-mime-mikel-mail/spec/fixtures/emails/error_emails/multiple_references_with_one_invalid.eml",
    "email-mime-mikel-mail/spec/fixtures/emails/error_emails/must_supply_encoding.eml",
    "email-mime-mikel-mail/spec/fixtures/emails/mime_emails/raw_email4.eml",
    "email-mime-mikel-mail/spec/fixtures/emails/plain_emails/raw_email_incorrect_header.eml",
    "email-mime-mikel-mail/spec/fixtures/emails/plain_emails/raw_email_with_bad_date.eml",
]


@needs_fixtures
@pytest.mark.parametrize("relative", KNOWN_MALFORMED)
def test_known_malformed_fixtures_yield_warnings(relative):
    assert parse_fixture(relative).warnings


@needs_fixtures
@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("email-mime-mailgun-flanker/tests/fixtures/messages/missing-final-boundary.eml",
         "missing final MIME boundary"),
        ("email-mime-mailgun-flanker/tests/fixtures/messages/spam/broken-ctype.eml",
         "malformed Content-Type '', treated as image/jpeg"),
        ("email-mime-mikel-mail/spec/fixtures/emails/error_emails/bad_date_header.eml",
         "malformed header 'Date'"),
        ("email-mime-mikel-mail/spec/fixtures/emails/error_emails/bad_encoded_subject.eml",
         "unknown charset 'none', decoded as UTF-8 with replacements"),
        ("email-mime-mikel-mail/spec/fixtures/emails/error_emails/content_transfer_encoding_plain.eml",
         "unknown Content-Transfer-Encoding 'plain', body used as is"),
        ("email-mime-mikel-mail/spec/fixtures/emails/error_emails/multiple_content_types.eml",
         "duplicate header 'Content-Type'"),
    ],
)  # fmt: skip
def test_malformed_fixtures_name_their_problem(relative, expected):
    assert expected in parse_fixture(relative).warnings


WELL_FORMED = [
    "email-mime-mailgun-flanker/tests/fixtures/messages/text-only.eml",
    "email-mime-mailgun-flanker/tests/fixtures/messages/no-ctype.eml",
    "email-mime-mailgun-flanker/tests/fixtures/messages/relative.eml",
    "email-mime-mailgun-flanker/tests/fixtures/messages/8bitmime.eml",
    "email-mime-mailgun-flanker/tests/fixtures/messages/attached-pdf.eml",
    "email-mime-mikel-mail/spec/fixtures/emails/plain_emails/basic_email.eml",
    "email-mime-mikel-mail/spec/fixtures/emails/rfc2822/example01.eml",
    "email-mime-mikel-mail/spec/fixtures/emails/multi_charset/japanese_iso_2022.eml",
    "email-mime-mikel-mail/spec/fixtures/emails/rfc6532/utf8_headers.eml",
    "email-mailgun-talon/tests/fixtures/standard_replies/gmail.eml",
]


@needs_fixtures
@pytest.mark.parametrize("relative", WELL_FORMED)
def test_well_formed_fixtures_yield_no_warnings(relative):
    assert parse_fixture(relative).warnings == ()


# --- real fixtures, specific content -----------------------------------------------------------


@needs_fixtures
def test_text_only_fixture_fields():
    parsed = parse_email((FLANKER / "text-only.eml").read_bytes())

    assert parsed.subject == "Testing message parsing"
    assert parsed.from_address == "bob@marley.com"
    assert parsed.from_name == "Bob Marley"
    assert parsed.to == ("hello@there.com",)
    assert parsed.delivered_to == ("bob@marley.com",)
    assert parsed.message_id.startswith("CAEAsyCbSF1Bk7CBuu6zp3Qs8=j2iUkNi3dPkGe6z40q4dmaogQ@")
    assert parsed.date == datetime(2011, 12, 29, 10, 6, 53, tzinfo=UTC)
    assert parsed.text == "Hello,\nI'm just testing message parsing\n\nBR,\nBob"
    assert parsed.html == ""
    assert parsed.bounce is None


@needs_fixtures
@pytest.mark.parametrize(
    ("relative", "filename"),
    [
        ("attachment_emails/attachment_nonascii_filename.eml", "ciële.txt"),
        ("attachment_emails/attachment_with_base64_encoded_name.eml", "This is a test.pdf"),
        ("attachment_emails/attachment_with_quoted_filename.eml", "Eelanalüüsi päring.jpg"),
        ("attachment_emails/attachment_with_unquoted_name.eml", "This is a test.txt"),
        ("attachment_emails/attachment_content_location.eml", "Photo25.jpg"),
        ("multi_charset/japanese_attachment.eml", "てすと.txt"),
        ("multi_charset/japanese_attachment_long_name.eml", "かきくけこ" * 5 + ".txt"),
    ],
)
def test_encoded_attachment_filenames_are_decoded(relative, filename):
    parsed = parse_email((MIKEL / relative).read_bytes())

    assert [attachment.filename for attachment in parsed.attachments] == [filename]


@needs_fixtures
def test_rfc2231_filename_in_a_wrong_charset_stays_readable():
    parsed = parse_email(
        (MIKEL / "attachment_emails/attachment_with_encoded_name.eml").read_bytes()
    )
    (attachment,) = parsed.attachments

    assert attachment.filename.startswith("01 Quien Te Dij")
    assert attachment.filename.endswith("at. Pitbull.mp3")
    assert "%" not in attachment.filename


@needs_fixtures
@pytest.mark.parametrize(
    "path",
    [
        FLANKER / "attached-pdf.eml",
        MIKEL / "attachment_emails/attachment_pdf.eml",
        MIKEL / "attachment_emails/attachment_pdf_non_ascii_lf.eml",
    ],
    ids=lambda path: path.name,
)
def test_pdf_attachments_keep_their_bytes(path):
    (pdf,) = [a for a in parse_email(path.read_bytes()).attachments if a.filename.endswith(".pdf")]

    assert pdf.content_type == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf.inline is False


@needs_fixtures
def test_image_attachment_is_byte_identical_to_the_original_file():
    parsed = parse_email((FLANKER / "mailgun-pic.eml").read_bytes())
    (picture,) = parsed.attachments

    assert picture.filename == "mailgun.png"
    assert picture.content == (FLANKER / "attachments" / "mailgun.png").read_bytes()
    assert parsed.text.startswith("Мейлган! Хахах!")


@needs_fixtures
@pytest.mark.parametrize(
    ("relative", "subject", "text"),
    [
        ("multi_charset/japanese.eml", "まみむめも", "かきくえこ"),
        ("multi_charset/japanese_iso_2022.eml", "まみむめも", "すみません。"),
        ("multi_charset/japanese_shift_jis.eml", "test", "このメールはテスト用のメールです。"),
        ("multi_charset/ks_c_5601-1987.eml", "test", "스티해"),
        ("plain_emails/raw_email.eml", "NOTE: 한국말로 하는 것", "제 이름은 Jamis입니다."),
        ("rfc2822/example14.eml", "Re: TEST テストテスト", "Hello"),
    ],
)
def test_asian_charsets_decode(relative, subject, text):
    parsed = parse_email((MIKEL / relative).read_bytes())

    assert parsed.subject == subject
    assert text in parsed.text


@needs_fixtures
def test_rfc6532_utf8_headers():
    parsed = parse_email((MIKEL / "rfc6532/utf8_headers.eml").read_bytes())

    assert parsed.subject == "Säying Hello"
    assert parsed.from_name == "Jöhn Doe"
    assert parsed.from_address == "jdöe@mächine.example"
    assert parsed.to == ("märy@exämple.net",)


@needs_fixtures
def test_raw_8bit_header_cut_inside_a_utf8_sequence_keeps_the_readable_rest():
    parsed = parse_email((FLANKER / "mailformed-headers.eml").read_bytes())

    assert parsed.from_name.startswith("Юникод запрещен")
    assert parsed.from_address == "headers@gmail.com"


@needs_fixtures
def test_html_alternative_fixture_gives_text_and_sanitised_html():
    parsed = parse_email((FLANKER / "relative.eml").read_bytes())

    assert parsed.text.startswith("This is html and text message, thanks")
    assert "Regards," in parsed.html
    assert "<br>" in parsed.html


@needs_fixtures
def test_enclosed_message_becomes_an_eml_attachment():
    parsed = parse_email((MIKEL / "attachment_emails/attachment_message_rfc822.eml").read_bytes())
    (forwarded,) = parsed.attachments

    assert forwarded.filename == "ForwardedMessage.eml"
    assert forwarded.content_type == "message/rfc822"
    assert b"Subject:" in forwarded.content
    assert parsed.text == "This is the first part."


@needs_fixtures
@pytest.mark.parametrize("name", ["torture.eml", "enclosed-endless.eml"])
def test_big_fixtures_parse_within_two_seconds(name):
    raw = (FLANKER / name).read_bytes()

    started = time.perf_counter()
    parsed = parse_email(raw)
    elapsed = time.perf_counter() - started

    assert elapsed < 2.0
    assert parsed.subject
    assert any(a.content_type == "message/rfc822" for a in parsed.attachments)


@needs_fixtures
def test_endless_enclosure_is_one_attachment_not_a_body():
    parsed = parse_email((FLANKER / "enclosed-endless.eml").read_bytes())

    assert parsed.text == "Hello"
    assert parsed.html == ""
    assert [a.filename for a in parsed.attachments] == ["thanks.eml"]
    assert len(parsed.attachments[0].content) > 2_900_000


@needs_fixtures
def test_uuencoded_and_quirky_transfer_encodings_do_not_lose_the_body():
    plain = parse_email((MIKEL / "error_emails/content_transfer_encoding_plain.eml").read_bytes())
    qp_with_space = parse_email(
        (MIKEL / "error_emails/content_transfer_encoding_qp_with_space.eml").read_bytes()
    )

    assert "Exciting Easter Investor Alert" in plain.text
    assert "we are your answer." in qp_with_space.text
    assert "=\n" not in qp_with_space.html


# --- bounces -----------------------------------------------------------------------------------


@needs_fixtures
def test_gmail_free_text_bounce():
    bounce = parse_email((FLANKER / "bounce/gmail-invalid-address.eml").read_bytes()).bounce

    assert bounce is not None
    assert bounce.permanent is True
    assert bounce.recipients == ("awfawfawfawfawfaw@someserverhere.com",)
    assert bounce.original_message_ids == (
        "CAKsfaBUUGqVZiaMrmH3TRPfq1odQPtM7Ey5YW1SgyJJRHtAjgw@mail.gmail.com",
    )
    assert "550 5.1.0" in bounce.reason


@needs_fixtures
def test_office365_delivery_status_notification():
    bounce = parse_email((FLANKER / "bounce/office365.eml").read_bytes()).bounce

    assert bounce is not None
    assert bounce.permanent is True
    assert bounce.recipients == ("noname@example.com",)
    assert bounce.original_message_ids == ("20171013111011.20866.254C2F3A4D7AA526@ninomail.com",)
    assert bounce.reason.startswith("550 5.1.10 RESOLVER.ADR.RecipientNotFound")


@needs_fixtures
def test_mailbox_full_takes_the_original_id_from_the_returned_headers():
    bounce = parse_email((FLANKER / "bounce/mailbox-full.eml").read_bytes()).bounce

    assert bounce is not None
    assert bounce.permanent is True
    assert bounce.recipients == ("user@aol.com",)
    assert bounce.reason == "552 5.2.2 E4.12 user MAILBOX FULL"
    assert bounce.original_message_ids == ("4E326A95.3010907@example.com",)


@needs_fixtures
@pytest.mark.parametrize(
    "path",
    [
        FLANKER / "bounce/delayed.eml",
        FLANKER / "bounce/no-mx.eml",
        MIKEL / "multipart_report_emails/report_422.eml",
    ],
    ids=lambda path: path.name,
)
def test_delays_are_not_permanent(path):
    bounce = parse_email(path.read_bytes()).bounce

    assert bounce is not None
    assert bounce.permanent is False
    assert bounce.reason


@needs_fixtures
def test_multi_recipient_bounce_lists_every_failed_address():
    bounce = parse_email(
        (MIKEL / "multipart_report_emails/multi_address_bounce1.eml").read_bytes()
    ).bounce

    assert bounce is not None
    assert len(bounce.recipients) == 5
    assert all(address.endswith("@gmail.com") for address in bounce.recipients)
    assert bounce.original_message_ids == ("118707422.15521266992174819.JavaMail.root@lvmail01",)


@needs_fixtures
@pytest.mark.parametrize(
    "path",
    [
        FLANKER / "disposition-notification.eml",
        FLANKER / "complaints/aol.eml",
        FLANKER / "text-only.eml",
        TALON / "outlook.eml",
    ],
    ids=lambda path: path.name,
)
def test_read_receipts_complaints_and_ordinary_mail_are_not_bounces(path):
    assert parse_email(path.read_bytes()).bounce is None


# --- synthetic messages ------------------------------------------------------------------------


def build(body: str = "Hallo", **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = headers.pop("From", "Kunde <kunde@example.de>")
    message["To"] = headers.pop("To", "support@shop.example")
    message["Subject"] = headers.pop("Subject", "Frage")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def test_german_umlauts_in_encoded_subject_and_latin1_body():
    raw = (
        b"From: =?iso-8859-1?Q?J=F6rg_M=FCller?= <Joerg@Example.DE>\r\n"
        b"To: support@shop.example\r\n"
        b"Subject: =?ISO-8859-1?Q?Gr=FC=DFe_aus?= =?ISO-8859-1?Q?_M=FCnchen?=\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n"
        b"\r\n"
        b"Sehr geehrte Frau M\xfcller,\r\nIhre Bestellung \xfcber 5 St\xfcck ist da.\r\n"
    )

    parsed = parse_email(raw)

    assert parsed.subject == "Grüße aus München"
    assert parsed.from_name == "Jörg Müller"
    assert parsed.from_address == "Joerg@example.de"
    assert parsed.text == "Sehr geehrte Frau Müller,\nIhre Bestellung über 5 Stück ist da."
    assert parsed.warnings == ()


def test_undeclared_8bit_body_falls_back_from_utf8_to_windows_1252():
    utf8 = parse_email(b"Subject: x\n\nGr\xc3\xbc\xc3\x9fe\n")
    cp1252 = parse_email(b"Subject: x\n\nGr\xfc\xdfe \x80 5\n")

    assert utf8.text == "Grüße"
    assert cp1252.text == "Grüße € 5"
    assert any("windows-1252" in warning for warning in cp1252.warnings)


@pytest.mark.parametrize(
    ("charset", "body", "expected"),
    [
        ("utf8", "Grüße".encode(), "Grüße"),
        ("ks_c_5601-1987", "안녕하세요".encode("cp949"), "안녕하세요"),
        ("iso-8859-8-i", "שלום".encode("iso-8859-8"), "שלום"),
        ("x-mac-roman", "Café".encode("mac-roman"), "Café"),
        ("unknown-8bit", "Grüße".encode(), "Grüße"),
        ("gb2312", "你好".encode("gb2312"), "你好"),
    ],
)
def test_misspelled_and_vendor_charsets(charset, body, expected):
    raw = (
        b"Subject: x\nContent-Type: text/plain; charset=" + charset.encode() + b"\n"
        b"Content-Transfer-Encoding: 8bit\n\n" + body
    )

    assert parse_email(raw).text == expected


def test_unknown_charset_is_decoded_as_utf8_with_a_warning():
    raw = b"Subject: x\nContent-Type: text/plain; charset=x-foo\n\nGr\xc3\xbc\xc3\x9fe \xff\n"

    parsed = parse_email(raw)

    assert parsed.text == "Grüße \ufffd"
    assert "unknown charset 'x-foo', decoded as UTF-8 with replacements" in parsed.warnings


def test_html_only_mail_is_sanitised_and_gets_a_text_version():
    message = build()
    message.set_content(
        "<html><head><title>Shop</title></head><body>"
        '<p onclick="steal()">Hallo <b>Team</b></p><script>alert("x")</script>'
        "<div>Bestellung 4711</div></body></html>",
        subtype="html",
    )

    parsed = parse_email(message.as_bytes())

    assert "<script" not in parsed.html
    assert "alert" not in parsed.html
    assert "onclick" not in parsed.html
    assert "<b>Team</b>" in parsed.html
    assert parsed.text == "Hallo Team\nBestellung 4711"


def test_inline_cid_image_is_an_inline_attachment():
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    message = build("Text version")
    message.add_alternative('<p>Logo: <img src="cid:logo@shop.example"></p>', subtype="html")
    message.get_payload()[1].add_related(png, "image", "png", cid="<logo@shop.example>")
    message.add_attachment(b"%PDF-1.4 invoice", "application", "pdf", filename="Rechnung.pdf")

    parsed = parse_email(message.as_bytes())
    logo, invoice = parsed.attachments

    assert (logo.inline, logo.content_id, logo.content) == (True, "logo@shop.example", png)
    assert logo.content_type == "image/png"
    assert (invoice.inline, invoice.filename, invoice.content) == (
        False,
        "Rechnung.pdf",
        b"%PDF-1.4 invoice",
    )
    assert 'src="cid:logo@shop.example"' in parsed.html
    assert parsed.text == "Text version"


def test_nested_message_is_attached_not_inlined():
    inner = build("Der alte Text", Subject="Ihre Bestellung / 4711")
    outer = build("Siehe unten")
    outer.add_attachment(inner)

    parsed = parse_email(outer.as_bytes())
    (forwarded,) = parsed.attachments

    assert parsed.text == "Siehe unten"
    assert forwarded.filename == "Ihre Bestellung _ 4711.eml"
    assert forwarded.content_type == "message/rfc822"
    assert b"Der alte Text" in forwarded.content


@pytest.mark.parametrize(
    ("headers", "auto_submitted", "precedence", "mailing_list"),
    [
        ({"Auto-Submitted": "auto-replied"}, "auto-replied", "", False),
        ({"Auto-Submitted": "auto-generated (failure)"}, "auto-generated", "", False),
        ({"Auto-Submitted": "no"}, "", "", False),
        ({"Precedence": "Bulk"}, "", "bulk", False),
        ({"Precedence": "first-class"}, "", "", False),
        ({"List-Id": "Angebote <angebote.shop.example>"}, "", "", True),
        ({"List-Unsubscribe": "<mailto:leave@shop.example>"}, "", "", True),
        ({}, "", "", False),
    ],
)
def test_automatic_mail_markers(headers, auto_submitted, precedence, mailing_list):
    parsed = parse_email(build(**headers).as_bytes())

    assert parsed.auto_submitted == auto_submitted
    assert parsed.precedence == precedence
    assert parsed.is_mailing_list is mailing_list


def test_references_and_in_reply_to_with_several_ids_and_junk():
    raw = (
        b"From: a@example.com\n"
        b"Message-ID:   <  new@example.com >\n"
        b'In-Reply-To: Your message of "Mon, 1 Jan 2024" <b@example.com>\n'
        b"References: <a@example.com> junk <b@example.com>\n"
        b"\t<broken.\n   id@example.com> <a@example.com>\n"
        b"\n"
        b"body\n"
    )

    parsed = parse_email(raw)

    assert parsed.message_id == "new@example.com"
    assert parsed.in_reply_to == ("b@example.com",)
    assert parsed.references == ("a@example.com", "b@example.com", "broken.id@example.com")


def test_missing_message_id_is_empty():
    parsed = parse_email(build().as_bytes())

    assert parsed.message_id == ""
    assert parsed.in_reply_to == ()
    assert parsed.references == ()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<a@example.com> <b@example.com>", ("a@example.com", "b@example.com")),
        ("a@example.com b@example.com", ("a@example.com", "b@example.com")),
        ("<a@example.com>, <a@example.com>", ("a@example.com",)),
        ("no ids here", ()),
        ("", ()),
    ],
)
def test_message_ids(value, expected):
    assert message_ids(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<abc@host>", "abc@host"),
        ("  abc@host  ", "abc@host"),
        ("<abc@\n host>", "abc@host"),
        ("", ""),
    ],
)
def test_normalize_message_id(value, expected):
    assert normalize_message_id(value) == expected


def test_display_name_that_looks_like_an_address_does_not_win():
    parsed = parse_email(build(From="ceo@shop.example <attacker@evil.example>").as_bytes())

    assert parsed.from_address == "attacker@evil.example"
    assert parsed.from_name == "ceo@shop.example"


def test_address_lists_keep_names_with_commas_and_drop_empty_groups():
    raw = (
        b"From: =?utf-8?Q?M=C3=BCller=2C_Hans?= <hans@Example.com>\n"
        b"To: undisclosed-recipients:;\n"
        b"Cc: a@example.com, , B <b@example.com>\n"
        b"\n"
        b"x\n"
    )

    parsed = parse_email(raw)

    assert (parsed.from_name, parsed.from_address) == ("Müller, Hans", "hans@example.com")
    assert parsed.to == ()
    assert parsed.cc == ("a@example.com", "b@example.com")


def test_date_is_timezone_aware_even_with_a_comment_or_without_zone():
    with_comment = parse_email(b"Date: Wed, 20 Sep 1995 00:19:00 (EDT) -0400\n\nbody\n")
    raw_without_zone = b"Date: Tue, 1 Jul 2025 10:00:00\nSubject: x\n\nbody\n"

    assert with_comment.date == datetime.fromisoformat("1995-09-20T00:19:00-04:00")
    assert parse_email(raw_without_zone).date.tzinfo is not None


def test_malformed_date_is_none_with_a_warning():
    parsed = parse_email(b"Date: yesterday-ish\nSubject: x\n\nbody\n")

    assert parsed.date is None
    assert "malformed header 'Date'" in parsed.warnings


def test_base64_with_junk_and_missing_padding_keeps_the_attachment_bytes():
    raw = (
        b"Content-Type: multipart/mixed; boundary=b\n\n"
        b"--b\nContent-Type: text/plain\n\nsee attachment\n"
        b"--b\nContent-Type: application/octet-stream; name=data.bin\n"
        b"Content-Transfer-Encoding: base64\n\n"
        b"AAEC\nAwQF!!\nBgc\n"
        b"--b--\n"
    )

    parsed = parse_email(raw)
    (attachment,) = parsed.attachments

    assert attachment.content == bytes(range(8))
    assert attachment.filename == "data.bin"


def test_format_flowed_text_is_unwrapped():
    raw = (
        b"Content-Type: text/plain; charset=utf-8; format=flowed\n\n"
        b"Dies ist ein langer \nSatz.\n> zitierte \n> Zeile\n-- \nGruss\n"
    )

    assert parse_email(raw).text == "Dies ist ein langer Satz.\n> zitierte Zeile\n-- \nGruss"


def test_deep_nesting_is_bounded():
    depth = 500
    opening = b"".join(
        b"Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n" % (i, i) for i in range(depth)
    )
    closing = b"".join(b"\n--b%d--\n" % i for i in reversed(range(depth)))
    raw = opening + b"Content-Type: text/plain\n\ndeep inside" + closing

    started = time.perf_counter()
    parsed = parse_email(raw)

    assert time.perf_counter() - started < 2.0
    assert any("nested deeper" in warning for warning in parsed.warnings)


def test_free_text_german_bounce_from_postmaster():
    raw = (
        b"From: postmaster@mail.example.de\n"
        b"To: support@shop.example\n"
        b"Subject: Unzustellbar: Ihre Bestellung\n"
        b"Content-Type: text/plain; charset=utf-8\n"
        b"\n"
        b"Die Nachricht konnte nicht zugestellt werden.\n"
        b"\n"
        b"<kunde@example.de>: 550 5.1.1 Benutzer unbekannt\n"
        b"\n"
        b"------ Original-Nachricht ------\n"
        b"Message-ID: <reply-42@shop.example>\n"
        b"Subject: Ihre Bestellung\n"
    )

    bounce = parse_email(raw).bounce

    assert bounce is not None
    assert bounce.permanent is True
    assert bounce.recipients == ("kunde@example.de",)
    assert bounce.original_message_ids == ("reply-42@shop.example",)
    assert bounce.reason == "550 5.1.1 Benutzer unbekannt"


def test_customer_writing_about_a_failed_delivery_is_not_a_bounce():
    parsed = parse_email(
        build("Mein Paket kam nie an.", Subject="Mail delivery failed?").as_bytes()
    )

    assert parsed.bounce is None


def test_empty_input():
    parsed = parse_email(b"")

    assert parsed.text == ""
    assert parsed.subject == ""
    assert parsed.attachments == ()
    assert parsed.warnings == ("empty message",)


def test_random_binary_bytes():
    noise = random.Random(7).randbytes(20_000)

    parsed = parse_email(noise)

    assert_storable(parsed)
    assert parsed.warnings


@needs_fixtures
def test_mutated_fixtures_never_raise_and_stay_storable():
    samples = [p.read_bytes() for p in sorted(FLANKER.rglob("*.eml")) if p.stat().st_size < 100_000]
    samples += [p.read_bytes() for p in sorted(MIKEL.rglob("*.eml"))]
    rng = random.Random(2024)
    inserts = [b"=?", b"?=", b"\r\n", b"\n\n", b"*0*=", b"<", b'"', b"(", b"=?utf-8?b?", b"\x00"]

    for _ in range(300):
        raw = bytearray(rng.choice(samples))
        for _ in range(rng.randrange(1, 20)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        position = rng.randrange(len(raw) + 1)
        raw[position:position] = rng.choice(inserts)
        del raw[rng.randrange(len(raw) + 1) :]

        assert_storable(parse_email(bytes(raw)))


@pytest.mark.parametrize(
    "subject",
    [
        "Automatische Antwort: Ihr Paket konnte nicht zugestellt werden",
        "Re: Sendung unzustellbar",
    ],
)
def test_auto_replies_about_undelivered_parcels_are_not_bounces(subject):
    message = build("Ich bin im Urlaub.", Subject=subject)
    message["Auto-Submitted"] = "auto-replied"
    message["Return-Path"] = "<>"

    assert parse_email(message.as_bytes()).bounce is None


HOSTILE = {
    "nested comments": b"From: " + b"(" * 50_000 + b"x@example.com" + b")" * 50_000 + b"\n\nx",
    "rfc2231 sections": b"Content-Type: application/pdf; "
    + b"; ".join(b"name*%d*=%%41" % i for i in range(20_000))
    + b"\n\nx",
    "unclosed head": b"Content-Type: text/html\n\n" + b"<head>" * 20_000 + b"x" * 100_000,
    "endless flowed paragraph": b"Content-Type: text/plain; format=flowed\n\n"
    + b"word \n" * 200_000,
    "bounce without colons": b"From: MAILER-DAEMON@example.com\nSubject: Undelivered Mail\n\n"
    + b"fail " * 400_000,
    "many references": b"References: "
    + b" ".join(b"<id%d@example.com>" % i for i in range(30_000))
    + b"\n\nx",
}


@pytest.mark.parametrize("raw", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_stays_fast(raw):
    started = time.perf_counter()
    parsed = parse_email(raw)

    assert time.perf_counter() - started < 2.0
    assert_storable(parsed)
