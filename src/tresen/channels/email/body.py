"""The MIME tree walked into body texts and attachments, one broken part at a time."""

from __future__ import annotations

import io
import mimetypes
import re
import urllib.parse
from dataclasses import dataclass, field
from email import policy
from email.generator import BytesGenerator
from email.message import Message
from email.parser import BytesParser

from .charsets import to_bytes, transfer_decode, transfer_kind
from .headers import WHITESPACE, header_text, raw_header, readable
from .parse_warnings import Warnings
from .parts import MAX_DEPTH, PartInfo, decode_text_part, part_content, part_info, subparts

_DEFECT_MESSAGES = {
    "NoBoundaryInMultipartDefect": "multipart part without a boundary",
    "StartBoundaryNotFoundDefect": "MIME boundary not found in a multipart body",
    "CloseBoundaryNotFoundDefect": "missing final MIME boundary",
    "FirstHeaderLineIsContinuationDefect": "first header line is a continuation line",
    "MisplacedEnvelopeHeaderDefect": "misplaced 'From ' envelope line among the headers",
    "MissingHeaderBodySeparatorDefect": "malformed header line; the rest was read as body",
    "MultipartInvariantViolationDefect": "multipart content type but no parts",
    "InvalidMultipartContentTransferEncodingDefect": "invalid transfer encoding on a multipart",
}
_ATTACHMENT_NAMES = {
    "message/delivery-status": "delivery-status.txt",
    "message/global-delivery-status": "delivery-status.txt",
    "message/disposition-notification": "disposition-notification.txt",
    "message/feedback-report": "feedback-report.txt",
    "text/rfc822-headers": "headers.txt",
    "application/pkcs7-signature": "smime.p7s",
    "application/x-pkcs7-signature": "smime.p7s",
    "application/pgp-signature": "signature.asc",
}
_EMBEDDED_MESSAGES = {"message/rfc822", "message/global", "message/news"}
_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')


@dataclass
class Attachment:
    filename: str
    content_type: str
    content: bytes
    disposition_inline: bool
    content_id: str


@dataclass
class Body:
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)


def read_body(message: Message, linesep: str, warnings: Warnings) -> Body:
    """Texts, HTML versions and attachments in document order; `linesep` is the one the
    raw message uses, for re-assembling attached messages as they arrived."""
    body = Body()
    _Walker(warnings, linesep).walk(message, 0, body)
    return body


def safe_filename(name: str, limit: int = 200) -> str:
    """A display-safe file name: no directories, no control or reserved characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = WHITESPACE.sub(" ", _UNSAFE_FILENAME.sub("_", name)).strip(" .")
    if len(name) > limit:
        _stem, dot, extension = name.rpartition(".")
        keep = extension if dot and len(extension) <= 10 else ""
        name = name[: limit - len(keep) - 1].rstrip() + ("." + keep if keep else "")
    return name


def _default_filename(content_type: str) -> str:
    if content_type in _ATTACHMENT_NAMES:
        return _ATTACHMENT_NAMES[content_type]
    extension = mimetypes.guess_extension(content_type, strict=False) or ""
    return "attachment" + extension


def _content_location_name(part: Message) -> str:
    location = raw_header(part, "Content-Location")
    if not location:
        return ""
    path = urllib.parse.urlsplit(readable(location).strip()).path
    return urllib.parse.unquote(path.rsplit("/", 1)[-1])


def _embedded_subject(content: bytes) -> str:
    """The Subject of an attached message, for its file name; '' when there is none."""
    header_end = re.search(rb"\r?\n\r?\n", content)
    head = content[: header_end.start() if header_end else 65536]
    try:
        headers = BytesParser(policy=policy.compat32).parsebytes(head, headersonly=True)
    except Exception:  # a name is not worth losing the attachment over
        return ""
    return WHITESPACE.sub(" ", header_text(headers, "Subject")).strip()


class _Walker:
    def __init__(self, warnings: Warnings, linesep: str) -> None:
        self.warnings = warnings
        # compat32 writes parsed headers back as they came; the modern policy with
        # refolding switched off is slower but accepts headers compat32 refuses to write.
        self.generator_policies = (
            policy.compat32.clone(linesep=linesep, max_line_length=0),
            policy.default.clone(linesep=linesep, refold_source="none", raise_on_defect=False),
        )

    def walk(self, part: Message, depth: int, body: Body) -> None:
        if depth > MAX_DEPTH:
            self.warnings.add(f"MIME parts nested deeper than {MAX_DEPTH} levels were skipped")
            return
        try:
            self._note_defects(part)
            self._walk_part(part, depth, body)
        except Exception as error:  # one broken part must not lose the others
            self.warnings.add(f"could not read a MIME part: {type(error).__name__}")

    def _note_defects(self, part: Message) -> None:
        for defect in part.defects:
            name = type(defect).__name__
            self.warnings.add(_DEFECT_MESSAGES.get(name, f"MIME defect: {name}"))

    def _walk_part(self, part: Message, depth: int, body: Body) -> None:
        info = part_info(part, self.warnings)
        payload = subparts(part)
        if payload is not None:
            if info.maintype == "message":
                body.attachments.append(self._message_attachment(part, info, payload))
            elif info.content_type == "multipart/alternative":
                self._walk_alternative(payload, depth, body)
            else:
                for child in payload:
                    self.walk(child, depth + 1, body)
            return
        self._leaf(part, info, body)

    def _walk_alternative(self, children: list[Message], depth: int, body: Body) -> None:
        # Alternatives are ordered from plainest to richest (RFC 2046 §5.1.4).
        versions = []
        for child in children:
            version = Body()
            self.walk(child, depth + 1, version)
            versions.append(version)
        plain = next((version for version in versions if version.texts), None)
        rich = next((version for version in reversed(versions) if version.htmls), None)
        if plain:
            body.texts.extend(plain.texts)
        if rich:
            body.htmls.extend(rich.htmls)
        for version in versions:
            body.attachments.extend(version.attachments)

    def _leaf(self, part: Message, info: PartInfo, body: Body) -> None:
        if info.maintype == "multipart":
            # Python found no parts (missing boundary): the body is all there is.
            info = PartInfo("text/plain", info.params, "", "", info.transfer_encoding, "")
        if info.content_type in _EMBEDDED_MESSAGES:
            body.attachments.append(self._message_attachment(part, info, None))
            return
        is_body_text = info.content_type in ("text/plain", "text/html")
        if is_body_text and info.disposition != "attachment" and not info.filename:
            text = decode_text_part(part, info, self.warnings)
            if text.strip():
                target = body.htmls if info.content_type == "text/html" else body.texts
                target.append(text)
            return
        content = part_content(part, info, self.warnings)
        body.attachments.append(self._attachment(part, info, content, ""))

    def _attachment(
        self, part: Message, info: PartInfo, content: bytes, fallback_name: str
    ) -> Attachment:
        declared = info.filename or _content_location_name(part)
        filename = safe_filename(declared) or fallback_name
        filename = filename or _default_filename(info.content_type)
        return Attachment(
            filename=filename,
            content_type=info.content_type,
            content=content,
            disposition_inline=info.disposition == "inline",
            content_id=info.content_id,
        )

    def _message_attachment(
        self, part: Message, info: PartInfo, payload: list[Message] | None
    ) -> Attachment:
        if payload is None:
            content = part_content(part, info, self.warnings)
        else:
            content = b"".join(self._flatten(inner) for inner in payload)
            if transfer_kind(info.transfer_encoding, Warnings()) != "identity":
                # Python parsed the encoded text as a message; decode the real one.
                content = transfer_decode(content, info.transfer_encoding, self.warnings)
        if info.content_type not in _EMBEDDED_MESSAGES:
            return self._attachment(part, info, content, "")
        # A slash in a subject is punctuation, not a directory.
        subject = re.sub(r"[/\\]", "_", _embedded_subject(content))
        fallback = (safe_filename(subject, limit=100) or "message") + ".eml"
        return self._attachment(part, info, content, fallback)

    def _flatten(self, message: Message) -> bytes:
        """The attached message as bytes again; Python's generators fail on some broken
        messages, each on different ones, so they are tried in turn."""
        error_name = ""
        for generator_policy in self.generator_policies:
            try:
                buffer = io.BytesIO()
                generator = BytesGenerator(buffer, mangle_from_=False, policy=generator_policy)
                generator.flatten(message, unixfrom=False)
                return buffer.getvalue()
            except Exception as error:
                error_name = error_name or type(error).__name__
            try:
                # The bytes generator fails on a multipart whose boundary never appeared.
                return to_bytes(message.as_string(policy=generator_policy))
            except Exception as error:
                error_name = error_name or type(error).__name__
        self.warnings.add(f"could not re-assemble an attached message: {error_name}")
        return b""
