"""Inbound attachments: stored under MEDIA_ROOT, or recorded with the reason they were refused."""

from pathlib import Path

import pytest

from tresen.conversations.models import Attachment, Message
from tresen.conversations.types import InboundAttachment
from tresen.testing.factories import receive

PDF = b"%PDF-1.4 Rechnung"
JPEG = b"\xff\xd8\xff\xe0 JFIF"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "attachments"
    settings.ATTACHMENT_MAX_BYTES = 1024
    return settings.MEDIA_ROOT


def attach(inbox, *items: InboundAttachment) -> list[Attachment]:
    message = receive(inbox, attachments=items)
    return list(message.attachments.order_by("id"))


def test_allowed_attachment_is_stored_under_media_root(inbox, media):
    [attachment] = attach(inbox, InboundAttachment("rechnung.pdf", "application/pdf", PDF))

    assert attachment.rejected_reason == ""
    assert attachment.size == len(PDF)
    path = Path(attachment.file.path)
    assert path.is_relative_to(media)
    assert path.name == "rechnung.pdf"
    assert path.read_bytes() == PDF
    assert str(attachment.message_id) in path.parts


def test_oversized_attachment_is_recorded_without_a_file(inbox, media):
    [attachment] = attach(
        inbox, InboundAttachment("foto.jpg", "image/jpeg", JPEG.ljust(1025, b"x"))
    )

    assert "larger than" in attachment.rejected_reason
    assert attachment.size == 1025
    assert not attachment.file
    assert not media.exists() or not any(media.rglob("foto*"))


def test_attachment_at_the_limit_is_accepted(inbox, media):
    [attachment] = attach(
        inbox, InboundAttachment("foto.jpg", "image/jpeg", JPEG.ljust(1024, b"x"))
    )

    assert attachment.rejected_reason == ""
    assert Path(attachment.file.path).stat().st_size == 1024


@pytest.mark.parametrize(
    "content_type", ["application/x-msdownload", "text/html", "application/javascript", ""]
)
def test_disallowed_content_type_is_recorded_without_a_file(inbox, media, content_type):
    [attachment] = attach(inbox, InboundAttachment("setup.exe", content_type, b"MZ"))

    assert "is not accepted" in attachment.rejected_reason
    assert not attachment.file
    assert not media.exists() or not any(media.rglob("setup*"))


def test_mixed_attachments_keep_their_order_and_message_survives(inbox, media):
    attachments = attach(
        inbox,
        InboundAttachment("a.pdf", "application/pdf", PDF),
        InboundAttachment("b.exe", "application/x-msdownload", b"MZ"),
        InboundAttachment("c.png", "image/png", b"\x89PNG\r\n\x1a\n"),
    )

    assert [(a.filename, bool(a.file), bool(a.rejected_reason)) for a in attachments] == [
        ("a.pdf", True, False),
        ("b.exe", False, True),
        ("c.png", True, False),
    ]
    assert Message.objects.count() == 1


def test_same_filename_twice_does_not_overwrite(inbox, media):
    first, second = attach(
        inbox,
        InboundAttachment("scan.pdf", "application/pdf", b"%PDF-1.4 one"),
        InboundAttachment("scan.pdf", "application/pdf", b"%PDF-1.4 two"),
    )

    assert first.file.path != second.file.path
    assert Path(first.file.path).read_bytes() == b"%PDF-1.4 one"
    assert Path(second.file.path).read_bytes() == b"%PDF-1.4 two"


def test_filename_with_a_path_does_not_lose_the_message(inbox, media):
    [attachment] = attach(inbox, InboundAttachment("../../etc/passwd.pdf", "application/pdf", PDF))

    assert Message.objects.count() == 1
    assert Path(attachment.file.path).is_relative_to(media)


def test_message_with_only_an_attachment_is_kept(inbox, media):
    message = receive(
        inbox, text="", attachments=(InboundAttachment("foto.jpg", "image/jpeg", JPEG),)
    )

    assert message.attachments.get().file


def test_content_that_contradicts_its_declared_type_is_not_stored(inbox):
    [attachment] = attach(
        inbox, InboundAttachment("rechnung.pdf", "application/pdf", b"<html><script>x</script>")
    )
    assert attachment.rejected_reason == "the content is not application/pdf"
    assert not attachment.file


def test_office_document_must_be_a_zip_underneath(inbox):
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    good, bad = attach(
        inbox,
        InboundAttachment("brief.docx", docx, b"PK\x03\x04 word"),
        InboundAttachment("fake.docx", docx, b"MZ not a zip"),
    )
    assert good.rejected_reason == "" and good.file
    assert bad.rejected_reason.startswith("the content is not")
