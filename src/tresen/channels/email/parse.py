"""Inbound email: raw RFC 5322 bytes in, a plain `ParsedEmail` out.

Pure (no database, no settings) and defensive: real mail servers deliver broken MIME,
lying charsets and junk transfer encodings. Every problem becomes an English entry in
`ParsedEmail.warnings`; `parse_email` itself never raises.

The structure is split by Python's `email` package with the compat32 policy: the modern
policy parses every Content-Type header through a slow full grammar (3 MB of nested parts
take seconds) and raises on odd headers. Header values, parameters, charsets and transfer
encodings are decoded here, from the raw values, so one broken part cannot lose the others.
"""

from __future__ import annotations

import binascii
import codecs
import io
import mimetypes
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from email import policy
from email.generator import BytesGenerator
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import parsedate_tz
from functools import lru_cache

from tresen.lib.html import sanitize, to_text


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str  # decoded (RFC 2047/2231), never empty
    content_type: str  # lower-case type/subtype
    content: bytes
    inline: bool  # referenced from the HTML (cid:) or disposition inline with a Content-ID
    content_id: str  # without <>, '' if none


@dataclass(frozen=True)
class Bounce:
    permanent: bool  # 5.x.x / hard failure vs 4.x.x delay
    reason: str  # short human readable reason, <= 500 chars
    original_message_ids: tuple[str, ...]  # Message-IDs of the bounced mail, normalised
    recipients: tuple[str, ...]  # failed recipients (lower-case addresses)


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    subject: str
    from_address: str
    from_name: str
    reply_to: tuple[str, ...]
    to: tuple[str, ...]
    cc: tuple[str, ...]
    delivered_to: tuple[str, ...]
    date: datetime | None
    text: str
    html: str
    attachments: tuple[ParsedAttachment, ...]
    auto_submitted: str
    precedence: str
    is_mailing_list: bool
    bounce: Bounce | None
    headers: tuple[tuple[str, str], ...]
    warnings: tuple[str, ...]


# Multipart nesting beyond this is an attack or a loop, not a customer's mail.
MAX_DEPTH = 30
# enclosed-endless style messages must not produce thousands of identical lines.
MAX_WARNINGS = 50


class Warnings:
    """Collects parsing problems once each, in order of discovery."""

    def __init__(self) -> None:
        self._items: list[str] = []
        self._seen: set[str] = set()

    def add(self, message: str) -> None:
        if message in self._seen or len(self._items) >= MAX_WARNINGS:
            return
        self._seen.add(message)
        self._items.append(message)

    def as_tuple(self) -> tuple[str, ...]:
        return tuple(self._items)


def _quiet() -> Warnings:
    """For helpers called from code that does not report warnings (bounce detection)."""
    return Warnings()


# --- charsets ----------------------------------------------------------------------------

# Labels mail software writes that Python does not know, or knows only as a narrower codec.
# A tuple is tried in order; the Windows supersets decode what the old names cannot.
_CHARSET_ALIASES: dict[str, tuple[str, ...]] = {
    "utf8": ("utf-8",),
    "utf-8": ("utf-8",),
    "unicode-1-1-utf-8": ("utf-8",),
    "unicode-1-1-utf-7": ("utf-7",),
    "us-ascii": ("ascii",),
    "ascii": ("ascii",),
    "ansi_x3.4-1968": ("ascii",),
    "iso-8859-1": ("cp1252",),  # what every mail client means by it
    "iso8859-1": ("cp1252",),
    "iso_8859-1": ("cp1252",),
    "latin1": ("cp1252",),
    "latin-1": ("cp1252",),
    "windows-1252": ("cp1252",),
    "cp1252": ("cp1252",),
    "iso-8859-9": ("cp1254",),
    "iso-8859-8-i": ("iso-8859-8",),
    "iso-8859-8-e": ("iso-8859-8",),
    "iso-8859-6-i": ("iso-8859-6",),
    "iso-8859-6-e": ("iso-8859-6",),
    "iso-8859-11": ("cp874",),
    "tis-620": ("cp874",),
    "windows-874": ("cp874",),
    "x-mac-roman": ("mac-roman",),
    "macintosh": ("mac-roman",),
    "x-mac-ce": ("mac-latin2",),
    "x-mac-cyrillic": ("mac-cyrillic",),
    "x-mac-greek": ("mac-greek",),
    "x-mac-turkish": ("mac-turkish",),
    "x-mac-icelandic": ("mac-iceland",),
    "ks_c_5601-1987": ("cp949",),
    "ks_c_5601": ("cp949",),
    "ksc5601": ("cp949",),
    "euc-kr": ("cp949",),
    "korean": ("cp949",),
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "x-gbk": ("gb18030",),
    "cp936": ("gb18030",),
    "euc-cn": ("gb18030",),
    "big5": ("cp950", "big5hkscs"),
    "x-x-big5": ("cp950", "big5hkscs"),
    "shift_jis": ("cp932",),
    "shift-jis": ("cp932",),
    "sjis": ("cp932",),
    "x-sjis": ("cp932",),
    "ms_kanji": ("cp932",),
    "windows-31j": ("cp932",),
    "iso-2022-jp": ("iso2022_jp", "iso2022_jp_ext", "iso2022_jp_2"),
    "euc-jp": ("euc_jp", "euc_jis_2004", "cp932"),
}
# Labels that honestly say "I do not know": guess instead of complaining.
_UNDECLARED = {
    "",
    "unknown-8bit",
    "x-unknown",
    "unknown",
    "x-user-defined",
    "default",
    "8bit",
}
_ASCII_FAMILY = {"ascii", "utf-8"}


def _cp1252_table() -> dict[int, str]:
    # cp1252 leaves five bytes undefined; latin-1 fills them so decoding can never fail.
    table = {}
    for byte in range(0x80, 0xA0):
        try:
            table[byte] = bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:
            table[byte] = chr(byte)
    return table


_CP1252 = _cp1252_table()
# Undecodable bytes kept as surrogate escapes (U+DC80..U+DCFF) -> their windows-1252 reading.
_ESCAPED_AS_CP1252 = {0xDC00 + byte: _CP1252.get(byte, chr(byte)) for byte in range(0x80, 0x100)}
_SURROGATE = re.compile("[\udc80-\udcff]")


def _decode_cp1252(data: bytes) -> str:
    return data.decode("latin-1").translate(_CP1252)


def _decode_utf8_or_cp1252(data: bytes) -> tuple[str, bool]:
    """UTF-8 where the bytes are UTF-8, windows-1252 for the bytes that are not.

    Byte by byte rather than all or nothing: a header cut in the middle of a UTF-8
    sequence keeps its readable rest. The flag tells whether any byte needed the fallback.
    """
    text = data.decode("utf-8", "surrogateescape")
    if not _SURROGATE.search(text):
        return text, False
    return text.translate(_ESCAPED_AS_CP1252), True


def _clean_charset_label(charset: str | None) -> str:
    label = (charset or "").strip().strip("\"';,").strip().lower()
    return label.split("*", 1)[0]  # RFC 2231 language suffix: utf-8*de


@lru_cache(maxsize=256)
def _codecs_for(label: str) -> tuple[str, ...] | None:
    """Python codec names for a charset label; () for "undeclared", None for unknown."""
    if label in _UNDECLARED:
        return ()
    if label in _CHARSET_ALIASES:
        return _CHARSET_ALIASES[label]
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):  # ValueError: a NUL in the label
        return None
    # hex, base64, rot13, zlib... are codecs too, but not text encodings.
    if not getattr(info, "_is_text_encoding", True):
        return None
    return (info.name,)


def decode_bytes(data: bytes, charset: str | None, warnings: Warnings | None = None) -> str:
    """Decode text whose declared charset may be missing, misspelled, unknown or wrong."""
    warnings = warnings or _quiet()
    label = _clean_charset_label(charset)
    candidates = _codecs_for(label)
    if candidates is None:
        warnings.add(f"unknown charset '{label}', decoded as UTF-8 with replacements")
        return data.decode("utf-8", "replace")
    if not candidates:
        text, mixed = _decode_utf8_or_cp1252(data)
        if mixed:
            warnings.add("8-bit text without a charset is not UTF-8, decoded as windows-1252")
        return text
    for codec in candidates:
        if codec == "cp1252":
            return _decode_cp1252(data)
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    if candidates[0] in _ASCII_FAMILY:
        # Declared ASCII or UTF-8 but something else: UTF-8 or, most likely, windows-1252.
        text, mixed = _decode_utf8_or_cp1252(data)
        used = "windows-1252" if mixed else "UTF-8"
        warnings.add(f"text declared as '{label}' contains other characters, decoded as {used}")
        return text
    warnings.add(f"text is not valid '{label}', decoded with replacements")
    return data.decode(candidates[0], "replace")


def _to_bytes(value: str) -> bytes:
    # The parser keeps undecodable input bytes as surrogate escapes; this restores them.
    return value.encode("utf-8", "surrogateescape")


# --- header values -------------------------------------------------------------------------

_FOLD = re.compile(r"\r?\n(?=[ \t])")
_LINE_BREAK = re.compile(r"[\r\n]+")
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
_WHITESPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _unfold(value: str) -> str:
    return _LINE_BREAK.sub(" ", _FOLD.sub("", value))


def _decode_8bit_header(value: str, name: str, warnings: Warnings) -> str:
    """RFC 6532 allows raw UTF-8 in headers; anything else raw is guessed as windows-1252."""
    if value.isascii():
        return value
    text, mixed = _decode_utf8_or_cp1252(_to_bytes(value))
    if mixed:
        warnings.add(f"header '{name}' contains 8-bit characters that are not UTF-8")
    return text


def _decode_b(text: str) -> bytes:
    return _decode_base64(text.encode("ascii", "ignore"), _quiet())


def _decode_q(text: str) -> bytes:
    return binascii.a2b_qp(text.encode("utf-8", "replace"), header=True)


def decode_encoded_words(text: str, warnings: Warnings | None = None) -> str:
    """RFC 2047 words, also the broken ones: unknown charsets, split multi-byte characters,
    missing whitespace around them."""
    warnings = warnings or _quiet()
    if "=?" not in text:
        return text
    pieces: list[str] = []
    pending: bytearray = bytearray()
    pending_charset = ""
    position = 0

    def flush() -> None:
        nonlocal pending, pending_charset
        if pending or pending_charset:
            pieces.append(decode_bytes(bytes(pending), pending_charset or "utf-8", warnings))
        pending, pending_charset = bytearray(), ""

    for match in _ENCODED_WORD.finditer(text):
        gap = text[position : match.start()]
        # Whitespace between two encoded words is folding, not content (RFC 2047 §6.2).
        if gap.strip() or not (pending or pending_charset):
            flush()
            pieces.append(gap)
        charset, encoding, payload = match.groups()
        charset = _clean_charset_label(charset)
        if charset != pending_charset:
            flush()
            pending_charset = charset or "utf-8"
        try:
            decoded = _decode_b(payload) if encoding in "bB" else _decode_q(payload)
        except (binascii.Error, ValueError):
            warnings.add("undecodable encoded word in a header")
            decoded = payload.encode("ascii", "replace")
        # Two words may split one multi-byte character; decode them together.
        pending += decoded
        position = match.end()
    flush()
    pieces.append(text[position:])
    return "".join(pieces)


def decode_header_value(value: object, name: str = "", warnings: Warnings | None = None) -> str:
    """A raw header value as readable text: unfolded, 8-bit and encoded words decoded."""
    warnings = warnings or _quiet()
    text = _decode_8bit_header(_unfold(str(value)), name, warnings)
    return decode_encoded_words(text, warnings).replace("\x00", "")


def raw_header(part: Message, name: str) -> str | None:
    """The first raw value of a header, undecoded; None when absent."""
    wanted = name.lower()
    for key, value in part.raw_items():
        if key.lower() == wanted:
            return str(value)
    return None


def raw_headers(part: Message, name: str) -> list[str]:
    wanted = name.lower()
    return [str(value) for key, value in part.raw_items() if key.lower() == wanted]


def header_text(part: Message, name: str, warnings: Warnings | None = None) -> str:
    value = raw_header(part, name)
    return "" if value is None else decode_header_value(value, name, warnings)


# --- parameters (Content-Type, Content-Disposition) ----------------------------------------

_RFC2231_NAME = re.compile(r"^(?P<base>[^*]+)\*(?P<index>\d+)?(?P<star>\*)?$")


def _read_quoted(text: str, position: int) -> tuple[str, int]:
    """A quoted string starting after its opening quote; tolerates a missing closing quote."""
    chars: list[str] = []
    while position < len(text) and text[position] != '"':
        # Only \" and \\ are escapes in practice; Windows paths keep their backslashes.
        if text[position] == "\\" and text[position + 1 : position + 2] in ('"', "\\"):
            position += 1
        chars.append(text[position])
        position += 1
    return "".join(chars), position + 1


def _split_params(text: str) -> list[tuple[str, str]]:
    params: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        while position < len(text) and text[position] in " \t;":
            position += 1
        name_end = position
        while name_end < len(text) and text[name_end] not in "=;":
            name_end += 1
        name = text[position:name_end].strip().lower()
        position = name_end
        if position >= len(text) or text[position] == ";":
            continue  # a bare word without '=' carries nothing
        position += 1
        while position < len(text) and text[position] in " \t":
            position += 1
        if text[position : position + 1] == '"':
            value, position = _read_quoted(text, position + 1)
            while position < len(text) and text[position] != ";":
                position += 1
        else:
            value_end = text.find(";", position)
            value_end = len(text) if value_end < 0 else value_end
            value = text[position:value_end].strip()
            position = value_end
        if name:
            params.append((name, value))
    return params


def _join_rfc2231(sections: dict[int, tuple[str, bool]], warnings: Warnings) -> str:
    charset = ""
    data = bytearray()
    first = min(sections)
    for index in sorted(sections):
        value, encoded = sections[index]
        if encoded:
            if index == first and value.count("'") >= 2:
                charset, _language, value = value.split("'", 2)
            data += urllib.parse.unquote_to_bytes(value)
        else:
            data += value.encode("utf-8")
    return decode_bytes(bytes(data), charset or None, warnings)


def parse_params(text: str, warnings: Warnings | None = None) -> dict[str, str]:
    """Parameters after the value: quoted or not, RFC 2231 continuations and charsets,
    and the common non-standard RFC 2047 words inside quoted values."""
    warnings = warnings or _quiet()
    plain: dict[str, str] = {}
    extended: dict[str, dict[int, tuple[str, bool]]] = {}
    for name, value in _split_params(text):
        match = _RFC2231_NAME.match(name)
        if match is None:
            plain.setdefault(name, value)
            continue
        index = int(match["index"]) if match["index"] is not None else 0
        encoded = match["index"] is None or match["star"] is not None
        extended.setdefault(match["base"], {}).setdefault(index, (value, encoded))
    for base, sections in extended.items():
        plain[base] = _join_rfc2231(sections, warnings)
    return {name: decode_encoded_words(value, warnings) for name, value in plain.items()}


def split_header(value: str, warnings: Warnings | None = None) -> tuple[str, dict[str, str]]:
    """'text/plain; charset=utf-8' -> ('text/plain', {'charset': 'utf-8'})."""
    main, _, rest = value.partition(";")
    return main.strip().lower(), parse_params(rest, warnings)


_CONTENT_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")


@dataclass(frozen=True)
class PartInfo:
    content_type: str
    params: dict[str, str]
    disposition: str  # 'inline', 'attachment' or ''
    filename: str  # as declared (decoded), '' if none
    transfer_encoding: str | None  # raw value; None when the header is absent
    content_id: str

    @property
    def maintype(self) -> str:
        return self.content_type.split("/", 1)[0]

    @property
    def charset(self) -> str | None:
        return self.params.get("charset")


def _header_for_part(part: Message, name: str, warnings: Warnings) -> str | None:
    values = raw_headers(part, name)
    if len(values) > 1:
        warnings.add(f"duplicate header '{name}'")
    if not values:
        return None
    return _decode_8bit_header(_unfold(values[0]), name, warnings)


def _content_type(part: Message, warnings: Warnings) -> tuple[str, dict[str, str], str]:
    value = _header_for_part(part, "Content-Type", warnings)
    if value is None:
        return part.get_default_type(), {}, ""
    content_type, params = split_header(value, warnings)
    if _CONTENT_TYPE.match(content_type):
        return content_type, params, ""
    # Python's parser treats the part as text/plain; a named part is a file though.
    name = params.get("name", "")
    guessed = mimetypes.guess_type(name)[0] if name else None
    fallback = guessed or ("application/octet-stream" if name else "text/plain")
    warnings.add(f"malformed Content-Type '{content_type[:60]}', treated as {fallback}")
    return fallback, params, content_type


def part_info(part: Message, warnings: Warnings | None = None) -> PartInfo:
    warnings = warnings or _quiet()
    content_type, params, _ = _content_type(part, warnings)
    disposition, disposition_params = "", {}
    disposition_value = _header_for_part(part, "Content-Disposition", warnings)
    if disposition_value is not None:
        disposition, disposition_params = split_header(disposition_value, warnings)
        if disposition not in ("inline", "attachment"):
            if disposition:
                warnings.add(f"unknown Content-Disposition '{disposition[:40]}'")
            disposition = "attachment" if disposition_params.get("filename") else ""
    filename = disposition_params.get("filename") or params.get("name") or ""
    transfer_encoding = _header_for_part(part, "Content-Transfer-Encoding", warnings)
    content_id = normalize_message_id(raw_header(part, "Content-ID") or "")
    return PartInfo(content_type, params, disposition, filename, transfer_encoding, content_id)


# --- transfer encodings --------------------------------------------------------------------

_TRANSFER_ENCODINGS = {
    "7bit": "identity",
    "8bit": "identity",
    "binary": "identity",
    "quotedprintable": "quoted-printable",
    "base64": "base64",
    "xuuencode": "uuencode",
    "uuencode": "uuencode",
    "xuue": "uuencode",
    "uue": "uuencode",
}
_BASE64_JUNK = re.compile(rb"[^A-Za-z0-9+/=]")
_BASE64_PADDING = re.compile(rb"=+")
_ASCII_WHITESPACE = re.compile(rb"[ \t\r\n]+")


def _transfer_kind(value: str | None, warnings: Warnings) -> str:
    if value is None:
        return "identity"
    token = re.sub(r"[^a-z0-9]", "", value.split(";", 1)[0].lower())
    kind = _TRANSFER_ENCODINGS.get(token)
    if kind is None:
        shown = value.strip()[:40]
        if shown:
            warnings.add(f"unknown Content-Transfer-Encoding '{shown}', body used as is")
        else:
            warnings.add("empty Content-Transfer-Encoding, body used as is")
        return "identity"
    return kind


def _decode_base64(data: bytes, warnings: Warnings) -> bytes:
    compact = _ASCII_WHITESPACE.sub(b"", data)
    cleaned = _BASE64_JUNK.sub(b"", compact)
    if len(cleaned) != len(compact):
        warnings.add("base64 body contains invalid characters, they were skipped")
    decoded = bytearray()
    # Splitting at padding also decodes several concatenated base64 blobs.
    for chunk in _BASE64_PADDING.split(cleaned):
        if not chunk:
            continue
        remainder = len(chunk) % 4
        if remainder == 1:
            warnings.add("base64 body has a dangling character at its end")
            chunk = chunk[:-1]
        elif remainder:
            chunk += b"=" * (4 - remainder)
        decoded += binascii.a2b_base64(chunk)
    return bytes(decoded)


def _decode_uu_line(line: bytes) -> bytes:
    try:
        return binascii.a2b_uu(line)
    except binascii.Error:
        # Some encoders pad lines with extra characters; the length byte knows better.
        length = (line[0] - 32) & 63
        return binascii.a2b_uu(line[: 1 + (length + 2) // 3 * 4])


def _decode_uuencode(data: bytes, warnings: Warnings) -> bytes:
    lines = data.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(b"begin")), None)
    if start is None:
        warnings.add("uuencoded body without a 'begin' line")
        return b""
    decoded = bytearray()
    for line in lines[start + 1 :]:
        if line.strip() == b"end":
            break
        if not line.strip() or line.strip() == b"`":
            continue
        try:
            decoded += _decode_uu_line(line)
        except (binascii.Error, IndexError):
            warnings.add("uuencoded body contains a broken line")
    return bytes(decoded)


def transfer_decode(data: bytes, encoding: str | None, warnings: Warnings | None = None) -> bytes:
    warnings = warnings or _quiet()
    kind = _transfer_kind(encoding, warnings)
    if kind == "base64":
        return _decode_base64(data, warnings)
    if kind == "quoted-printable":
        return binascii.a2b_qp(data)
    if kind == "uuencode":
        return _decode_uuencode(data, warnings)
    return data


def _raw_payload(part: Message) -> object:
    # get_payload() re-decodes 8-bit bodies with the declared charset (and raises on some
    # charset names); get_payload(decode=True) knows only exact transfer encoding names.
    # The body as parsed is needed to do both well, and it lives in _payload.
    return getattr(part, "_payload", None)


def subparts(part: Message) -> list[Message] | None:
    """The parts inside a multipart or message/* part; None for a leaf."""
    payload = _raw_payload(part)
    return payload if isinstance(payload, list) else None


def payload_bytes(part: Message) -> bytes:
    """The body of a leaf part as it arrived, transfer encoding still applied."""
    payload = _raw_payload(part)
    if isinstance(payload, bytes):
        return payload
    if isinstance(payload, str):
        return _to_bytes(payload)
    return b""


def part_content(part: Message, info: PartInfo, warnings: Warnings | None = None) -> bytes:
    """The part's body with its transfer encoding removed."""
    return transfer_decode(payload_bytes(part), info.transfer_encoding, warnings)


# --- text bodies ---------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEAD_START = re.compile(r"<head[\s>]", re.I)
_HEAD_END = re.compile(r"</head\s*>", re.I)


def _html_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _unflow(text: str, delsp: bool) -> str:
    """RFC 3676 format=flowed: join soft-broken lines, keep quote depth and signatures."""
    output: list[str] = []
    paragraph: list[str] | None = None  # pieces, joined once: no quadratic concatenation
    paragraph_depth = 0

    def finish() -> None:
        nonlocal paragraph
        if paragraph is not None:
            prefix = ">" * paragraph_depth + (" " if paragraph_depth else "")
            output.append(prefix + "".join(paragraph))
        paragraph = None

    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space stuffing
        soft = content.endswith(" ") and content != "-- "
        if soft and delsp:
            content = content[:-1]
        if paragraph is not None and depth != paragraph_depth:
            finish()
        if paragraph is None:
            paragraph = []
        paragraph.append(content)
        paragraph_depth = depth
        if not soft:
            finish()
    finish()
    return "\n".join(output)


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def decode_text_part(part: Message, info: PartInfo, warnings: Warnings | None = None) -> str:
    """A text part's body as str: transfer encoding, charset and format=flowed handled."""
    warnings = warnings or _quiet()
    data = part_content(part, info, warnings)
    charset = info.charset
    if charset is None and info.content_type == "text/html":
        charset = _html_charset(data)
    text = _normalize_newlines(decode_bytes(data, charset, warnings))
    if info.content_type == "text/plain" and info.params.get("format", "").lower() == "flowed":
        text = _unflow(text, info.params.get("delsp", "").lower() == "yes")
    return text


def _without_head(raw_html: str) -> str:
    """<title> and <style> text is not part of what the sender wrote."""
    start = _HEAD_START.search(raw_html)
    end = _HEAD_END.search(raw_html, start.end()) if start else None
    return raw_html[: start.start()] + raw_html[end.end() :] if start and end else raw_html


def html_to_text(raw_html: str) -> str:
    return to_text(_without_head(raw_html))


def sanitize_html(raw_html: str) -> str:
    return sanitize(_without_head(raw_html)).strip()


# --- addresses -----------------------------------------------------------------------------


def _split_top_level(text: str, separators: str) -> list[str]:
    """Split at separators outside quotes, comments and angle brackets."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    comment_depth = 0
    in_angle = False
    escape = False
    for char in text:
        if escape:
            escape = False
        elif char == "\\" and (quoted or comment_depth):
            escape = True
        elif quoted:
            quoted = char != '"'
        elif char == '"' and not comment_depth:
            quoted = True
        elif char == "(":
            comment_depth += 1
        elif char == ")" and comment_depth:
            comment_depth -= 1
        elif comment_depth:
            pass
        elif char == "<":
            in_angle = True
        elif char == ">":
            in_angle = False
        elif char in separators and not in_angle:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


_COMMENT = re.compile(r"\((?:[^()\\]|\\.)*\)")
# Each pass removes one level of nesting; real comments are rarely nested at all.
_COMMENT_PASSES = 4


def _strip_comments(text: str) -> tuple[str, str]:
    """Text without (comments), and the first comment's content (an old-style name)."""
    comments: list[str] = []
    for _ in range(_COMMENT_PASSES):
        found = [match.group(0)[1:-1] for match in _COMMENT.finditer(text)]
        if not found:
            break
        comments.extend(found)
        text = _COMMENT.sub(" ", text)
    if "(" in text or ")" in text:
        text = re.sub(r"[()]", " ", text)  # unbalanced or absurdly deep: drop the brackets
    return text, (comments[0] if comments else "")


def _clean_display_name(name: str, warnings: Warnings) -> str:
    name = name.strip()
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = re.sub(r"\\(.)", r"\1", name[1:-1])
    name = decode_encoded_words(name.replace('"', " "), warnings)
    return _WHITESPACE.sub(" ", _CONTROL.sub("", name)).strip().strip("'").strip()


_LOCAL_PART = re.compile(r'^(?:"[^"]*"|[^\s"(),:;<>@\[\\\]]+)$')
_DOMAIN = re.compile(r"^(?:\[[^\]\s]*\]|[^\s\"(),:;<>@\[\\\]]+)$")


def normalize_address(address: str) -> str:
    """local@domain with the domain lower-cased; '' if it is not an address."""
    address, _ = _strip_comments(address)
    address = _WHITESPACE.sub("", address).strip("<>")
    if address.startswith("@") and ":" in address:  # obsolete source route
        address = address.split(":", 1)[1]
    local, at, domain = address.rpartition("@")
    domain = domain.rstrip(".").lower()
    if not at or not _LOCAL_PART.match(local) or not _DOMAIN.match(domain):
        return ""
    if _CONTROL.search(address):
        return ""
    return f"{local}@{domain}"


def _parse_mailbox(entry: str, warnings: Warnings) -> tuple[str, str]:
    entry = entry.strip()
    colon = _split_top_level(entry, ":")
    if len(colon) > 1 and "@" not in colon[0] and "<" not in colon[0]:
        entry = ":".join(colon[1:]).strip()  # group syntax "Team: a@b, c@d;"
    opening = entry.rfind("<")
    closing = entry.find(">", opening)
    if opening >= 0 and closing > opening:
        address = normalize_address(entry[opening + 1 : closing])
        outside = entry[:opening] + " " + entry[closing + 1 :]
        name_part, comment = _strip_comments(outside)
        return _clean_display_name(name_part or comment, warnings), address
    bare, comment = _strip_comments(entry)
    words = bare.split()
    # Without brackets the address is the word with the '@': "John Doe john@example.com".
    address_words = [word for word in words if "@" in word]
    if len(words) > 1 and address_words and '"' not in bare:
        name = " ".join(word for word in words if "@" not in word) or comment
        return _clean_display_name(name, warnings), normalize_address(address_words[0])
    address = normalize_address(bare)
    name = comment if address else bare
    return _clean_display_name(name, warnings), address


def _entries(text: str) -> list[str]:
    """Address list entries; also splits the invalid 'a@example.com b@example.com'."""
    entries = []
    for entry in _split_top_level(text, ",;"):
        words = entry.split()
        if "<" not in entry and '"' not in entry and sum("@" in word for word in words) > 1:
            entries.extend(words)
        else:
            entries.append(entry)
    return entries


def parse_addresses(
    value: str, warnings: Warnings | None = None, name: str = "address"
) -> list[tuple[str, str]]:
    """(display name, address) pairs from an address list header, raw or unfolded.

    The address inside <> always wins over a display name that looks like an address,
    so "ceo@shop.example <attacker@evil.example>" is attacker@evil.example.
    """
    warnings = warnings or _quiet()
    text = _decode_8bit_header(_unfold(value), name, warnings)
    mailboxes: list[tuple[str, str]] = []
    pending_name: list[str] = []
    for entry in _entries(text):
        if not entry.strip():
            continue
        name, address = _parse_mailbox(entry, warnings)
        if not address:
            # "Müller, Hans <h@x>" without quotes: the comma split the display name.
            if name and "@" not in entry:
                pending_name.append(name)
            continue
        if pending_name and "<" in entry:
            name = ", ".join([*pending_name, name]) if name else ", ".join(pending_name)
        pending_name = []
        mailboxes.append((name, address))
    return mailboxes


def _address_tuple(part: Message, *names: str, warnings: Warnings) -> tuple[str, ...]:
    found = (
        address
        for name in names
        for value in raw_headers(part, name)
        for _display, address in parse_addresses(value, warnings, name)
    )
    return tuple(dict.fromkeys(found))  # unique, in order


# --- message ids ---------------------------------------------------------------------------

_BRACKETED = re.compile(r"<([^<>]*)>")
_ID_TOKEN_SEPARATORS = re.compile(r"[\s,;]+")


def _clean_id(value: str) -> str:
    return _WHITESPACE.sub("", value).strip("<>\"'()")


def _readable(value: object) -> str:
    """A raw header value unfolded, with raw 8-bit bytes decoded; no RFC 2047 decoding."""
    return _decode_8bit_header(_unfold(str(value or "")), "", _quiet())


def message_ids(header_value: str) -> tuple[str, ...]:
    """All message ids in a References / In-Reply-To value, normalised, in order.

    Takes what is in <...>; without any brackets, words that contain an '@'.
    """
    value = _readable(header_value)
    found = [_clean_id(match) for match in _BRACKETED.findall(value)]
    if not found:
        found = [_clean_id(token) for token in _ID_TOKEN_SEPARATORS.split(value)]
        found = [token for token in found if "@" in token]
    return tuple(dict.fromkeys(message_id for message_id in found if message_id))


def normalize_message_id(value: str) -> str:
    """'<abc@host>' -> 'abc@host'; also cleans folded whitespace and missing brackets."""
    value = _readable(value)
    match = _BRACKETED.search(value)
    return _clean_id(match.group(1) if match else value)


# --- dates ---------------------------------------------------------------------------------


def _parse_date(value: str | None, warnings: Warnings) -> datetime | None:
    if value is None:
        return None
    text, _ = _strip_comments(_unfold(value))  # "(EDT)" confuses the date parser
    text = text.strip()
    try:
        parts = parsedate_tz(text) if text else None
        if parts is None:
            raise ValueError(text)
        year, month, day, hour, minute, second = parts[:6]
        offset = timedelta(seconds=parts[9] or 0)
        zone = timezone(offset) if abs(offset) < timedelta(hours=24) else UTC
        date = datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except (ValueError, TypeError, OverflowError, IndexError):
        warnings.add("malformed header 'Date'")
        return None
    if date > datetime.now(UTC) + timedelta(days=2):
        warnings.add("header 'Date' lies in the future")
    return date


# --- MIME walk -----------------------------------------------------------------------------

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
_CID_REFERENCE = re.compile(r"""cid:([^"'\s>)]+)""", re.I)


def safe_filename(name: str, limit: int = 200) -> str:
    """A display-safe file name: no directories, no control or reserved characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _WHITESPACE.sub(" ", _UNSAFE_FILENAME.sub("_", name)).strip(" .")
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
    path = urllib.parse.urlsplit(_readable(location).strip()).path
    return urllib.parse.unquote(path.rsplit("/", 1)[-1])


@dataclass
class _Attachment:
    filename: str
    content_type: str
    content: bytes
    disposition_inline: bool
    content_id: str


@dataclass
class _Body:
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    attachments: list[_Attachment] = field(default_factory=list)


class _Walker:
    """Turns the MIME tree into body texts and attachments, part by part."""

    def __init__(self, warnings: Warnings, linesep: str) -> None:
        self.warnings = warnings
        self.generator_policy = policy.compat32.clone(linesep=linesep, max_line_length=0)

    def walk(self, part: Message, depth: int, body: _Body) -> None:
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

    def _walk_part(self, part: Message, depth: int, body: _Body) -> None:
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

    def _walk_alternative(self, children: list[Message], depth: int, body: _Body) -> None:
        # Alternatives are ordered from plainest to richest (RFC 2046 §5.1.4).
        versions = []
        for child in children:
            version = _Body()
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

    def _leaf(self, part: Message, info: PartInfo, body: _Body) -> None:
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
    ) -> _Attachment:
        declared = info.filename or _content_location_name(part)
        filename = safe_filename(declared) or fallback_name
        filename = filename or _default_filename(info.content_type)
        return _Attachment(
            filename=filename,
            content_type=info.content_type,
            content=content,
            disposition_inline=info.disposition == "inline",
            content_id=info.content_id,
        )

    def _message_attachment(
        self, part: Message, info: PartInfo, payload: list[Message] | None
    ) -> _Attachment:
        if payload is None:
            content = part_content(part, info, self.warnings)
        else:
            content = b"".join(self._flatten(inner) for inner in payload)
            if _transfer_kind(info.transfer_encoding, _quiet()) != "identity":
                # Python parsed the encoded text as a message; decode the real one.
                content = transfer_decode(content, info.transfer_encoding, self.warnings)
        if info.content_type not in _EMBEDDED_MESSAGES:
            return self._attachment(part, info, content, "")
        # A slash in a subject is punctuation, not a directory.
        subject = re.sub(r"[/\\]", "_", _embedded_subject(content))
        fallback = (safe_filename(subject, limit=100) or "message") + ".eml"
        return self._attachment(part, info, content, fallback)

    def _flatten(self, message: Message) -> bytes:
        buffer = io.BytesIO()
        try:
            generator = BytesGenerator(buffer, mangle_from_=False, policy=self.generator_policy)
            generator.flatten(message, unixfrom=False)
            return buffer.getvalue()
        except Exception as error:
            first_error = type(error).__name__
        try:
            # The bytes generator fails on a multipart whose boundary never appeared.
            return _to_bytes(message.as_string(policy=self.generator_policy))
        except Exception:
            self.warnings.add(f"could not re-assemble an attached message: {first_error}")
            return buffer.getvalue()


def _embedded_subject(content: bytes) -> str:
    header_end = re.search(rb"\r?\n\r?\n", content)
    head = content[: header_end.start() if header_end else 65536]
    headers = BytesParser(policy=policy.compat32).parsebytes(head, headersonly=True)
    return _WHITESPACE.sub(" ", header_text(headers, "Subject")).strip()


def _finish_attachments(pending: list[_Attachment], raw_html: str) -> tuple[ParsedAttachment, ...]:
    referenced = {urllib.parse.unquote(cid) for cid in _CID_REFERENCE.findall(raw_html)}
    return tuple(
        ParsedAttachment(
            filename=item.filename,
            content_type=item.content_type,
            content=item.content,
            inline=bool(item.content_id)
            and (item.content_id in referenced or item.disposition_inline),
            content_id=item.content_id,
        )
        for item in pending
    )


def _join_texts(texts: list[str]) -> str:
    return "\n\n".join(text.strip("\n") for text in texts if text.strip()).strip()


# --- top-level headers ---------------------------------------------------------------------

_SINGLE_HEADERS = ("From", "Subject", "Date", "Message-ID", "Content-Type")
_BULK_PRECEDENCE = {"bulk", "list", "junk"}


def _first_token(value: str) -> str:
    text, _ = _strip_comments(value)
    return text.split(";", 1)[0].strip().lower()


def _auto_submitted(message: Message) -> str:
    value = _first_token(_readable(raw_header(message, "Auto-Submitted")))
    return "" if value in ("", "no") else value


def _precedence(message: Message) -> str:
    value = _first_token(_readable(raw_header(message, "Precedence")))
    return value if value in _BULK_PRECEDENCE else ""


def _is_mailing_list(message: Message) -> bool:
    return bool(raw_headers(message, "List-Id") or raw_headers(message, "List-Unsubscribe"))


def _decoded_headers(message: Message, warnings: Warnings) -> tuple[tuple[str, str], ...]:
    decoded = []
    for name, value in message.raw_items():
        clean_name = _decode_8bit_header(str(name), "name", warnings).strip()
        decoded.append((clean_name, decode_header_value(value, clean_name, warnings)))
    return tuple(decoded)


def _check_single_headers(message: Message, warnings: Warnings) -> None:
    for name in _SINGLE_HEADERS:
        if len(raw_headers(message, name)) > 1:
            warnings.add(f"duplicate header '{name}'")


def _sender(message: Message, warnings: Warnings) -> tuple[str, str]:
    value = raw_header(message, "From")
    if value is None:
        return "", ""
    mailboxes = parse_addresses(value, warnings, "From")
    if mailboxes:
        return mailboxes[0][1], mailboxes[0][0]
    warnings.add("malformed header 'From'")
    name, _address = _parse_mailbox(_decode_8bit_header(_unfold(value), "From", warnings), warnings)
    return "", name


def _ids_from_headers(message: Message, name: str) -> tuple[str, ...]:
    ids = (message_id for value in raw_headers(message, name) for message_id in message_ids(value))
    return tuple(dict.fromkeys(ids))


# --- entry point ---------------------------------------------------------------------------


def _line_separator(raw: bytes) -> str:
    first_newline = raw.find(b"\n")
    return "\r\n" if first_newline > 0 and raw[first_newline - 1 : first_newline] == b"\r" else "\n"


def _read_message(raw: bytes) -> EmailMessage:
    parser = BytesParser(_class=EmailMessage, policy=policy.compat32)
    return parser.parsebytes(raw)


def _build(raw: bytes, warnings: Warnings) -> ParsedEmail:
    message = _read_message(raw)
    walker = _Walker(warnings, _line_separator(raw))
    body = _Body()
    walker.walk(message, 0, body)
    raw_html = "\n".join(body.htmls)
    html = sanitize_html(raw_html) if raw_html.strip() else ""
    text = _join_texts(body.texts) or (html_to_text(raw_html) if raw_html.strip() else "")
    _check_single_headers(message, warnings)
    from_address, from_name = _sender(message, warnings)
    subject = _WHITESPACE.sub(" ", header_text(message, "Subject", warnings)).strip()
    return ParsedEmail(
        message_id=normalize_message_id(raw_header(message, "Message-ID") or ""),
        in_reply_to=_ids_from_headers(message, "In-Reply-To"),
        references=_ids_from_headers(message, "References"),
        subject=_CONTROL.sub("", subject),
        from_address=from_address,
        from_name=from_name,
        reply_to=_address_tuple(message, "Reply-To", warnings=warnings),
        to=_address_tuple(message, "To", warnings=warnings),
        cc=_address_tuple(message, "Cc", warnings=warnings),
        delivered_to=_address_tuple(message, "Delivered-To", "X-Original-To", warnings=warnings),
        date=_parse_date(raw_header(message, "Date"), warnings),
        text=text,
        html=html,
        attachments=_finish_attachments(body.attachments, raw_html),
        auto_submitted=_auto_submitted(message),
        precedence=_precedence(message),
        is_mailing_list=_is_mailing_list(message),
        bounce=_detect_bounce(message, warnings),
        headers=_decoded_headers(message, warnings),
        warnings=(),
    )


def _detect_bounce(message: EmailMessage, warnings: Warnings) -> Bounce | None:
    # bounce.py builds on this module's decoders, so it is imported when first needed.
    from tresen.channels.email.bounce import detect_bounce

    try:
        return detect_bounce(message)
    except Exception as error:
        warnings.add(f"could not analyse a delivery status notification: {type(error).__name__}")
        return None


def _unreadable(raw: bytes, warnings: Warnings) -> ParsedEmail:
    text, _ = _decode_utf8_or_cp1252(raw)
    return ParsedEmail(
        message_id="",
        in_reply_to=(),
        references=(),
        subject="",
        from_address="",
        from_name="",
        reply_to=(),
        to=(),
        cc=(),
        delivered_to=(),
        date=None,
        text=_normalize_newlines(text).strip(),
        html="",
        attachments=(),
        auto_submitted="",
        precedence="",
        is_mailing_list=False,
        bounce=None,
        headers=(),
        warnings=warnings.as_tuple(),
    )


def parse_email(raw: bytes) -> ParsedEmail:
    """Never raises for any input bytes (empty, binary garbage, truncated, huge)."""
    warnings = Warnings()
    if isinstance(raw, str):
        raw = _to_bytes(raw)
    raw = bytes(raw or b"")
    if not raw.strip():
        warnings.add("empty message")
        return _unreadable(b"", warnings)
    try:
        parsed = _build(raw, warnings)
    except Exception as error:
        warnings.add(f"could not parse the message: {type(error).__name__}")
        return _unreadable(raw, warnings)
    # Header decoding and bounce analysis add warnings while the result is assembled.
    return replace(parsed, warnings=warnings.as_tuple())


def iter_parts(message: Message, max_depth: int = MAX_DEPTH) -> Iterator[tuple[Message, PartInfo]]:
    """Every part in document order with its PartInfo, without entering attached messages."""
    stack: list[tuple[Message, int]] = [(message, 0)]
    while stack:
        part, depth = stack.pop()
        info = part_info(part)
        yield part, info
        payload = subparts(part)
        if payload is not None and depth < max_depth and info.maintype != "message":
            stack.extend((child, depth + 1) for child in reversed(payload))
