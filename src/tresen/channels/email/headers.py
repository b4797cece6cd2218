"""Header values as text: unfolding, raw UTF-8 (RFC 6532), encoded words (RFC 2047),
parameters (RFC 2231), message ids and dates.

The values come raw from the compat32 parser, so one broken header cannot lose the others.
"""

from __future__ import annotations

import binascii
import re
import urllib.parse
from datetime import UTC, datetime, timedelta, timezone
from email.message import Message
from email.utils import parsedate_tz

from .charsets import (
    clean_charset_label,
    decode_base64,
    decode_bytes,
    decode_utf8_or_cp1252,
    to_bytes,
)
from .parse_warnings import CONTROL_CHARACTERS, Warnings

_FOLD = re.compile(r"\r?\n(?=[ \t])")
_LINE_BREAK = re.compile(r"[\r\n]+")
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
WHITESPACE = re.compile(r"\s+")


def unfold(value: str) -> str:
    # A NUL never means anything in a header, and databases refuse to store it.
    return _LINE_BREAK.sub(" ", _FOLD.sub("", value)).replace("\x00", "")


def decode_8bit_header(value: str, name: str, warnings: Warnings) -> str:
    """RFC 6532 allows raw UTF-8 in headers; anything else raw is guessed as windows-1252."""
    if value.isascii():
        return value
    text, mixed = decode_utf8_or_cp1252(to_bytes(value))
    if mixed:
        warnings.add(f"header '{name}' contains 8-bit characters that are not UTF-8")
    return text


def readable(value: object) -> str:
    """A raw header value unfolded, with raw 8-bit bytes decoded; no RFC 2047 decoding."""
    return decode_8bit_header(unfold(str(value or "")), "", Warnings())


def decode_encoded_words(text: str, warnings: Warnings | None = None) -> str:
    """RFC 2047 words, also the broken ones: unknown charsets, split multi-byte characters,
    missing whitespace around them."""
    warnings = warnings or Warnings()
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
        charset = clean_charset_label(charset)
        if charset != pending_charset:
            flush()
            pending_charset = charset or "utf-8"
        try:
            if encoding in "bB":
                decoded = decode_base64(payload.encode("ascii", "ignore"), Warnings())
            else:
                decoded = binascii.a2b_qp(payload.encode("utf-8", "replace"), header=True)
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
    warnings = warnings or Warnings()
    text = decode_8bit_header(unfold(str(value)), name, warnings)
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


def decoded_headers(message: Message, warnings: Warnings) -> tuple[tuple[str, str], ...]:
    decoded = []
    for name, value in message.raw_items():
        clean_name = decode_8bit_header(str(name), "name", warnings).strip()
        decoded.append((clean_name, decode_header_value(value, clean_name, warnings)))
    return tuple(decoded)


_COMMENT = re.compile(r"\((?:[^()\\]|\\.)*\)")
# Each pass removes one level of nesting; real comments are rarely nested at all.
_COMMENT_PASSES = 4


def strip_comments(text: str) -> tuple[str, str]:
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


def header_keyword(part: Message, name: str) -> str:
    """A header's first word, lower-cased, without comments or parameters; '' when absent.

    'Auto-Replied (vacation)' -> 'auto-replied'.
    """
    text, _ = strip_comments(readable(raw_header(part, name)))
    return text.split(";", 1)[0].strip().lower()


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


def _parse_params(text: str, warnings: Warnings) -> dict[str, str]:
    """Parameters after the value: quoted or not, RFC 2231 continuations and charsets,
    and the common non-standard RFC 2047 words inside quoted values."""
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


def split_header(value: str, warnings: Warnings) -> tuple[str, dict[str, str]]:
    """'text/plain; charset=utf-8' -> ('text/plain', {'charset': 'utf-8'})."""
    main, _, rest = value.partition(";")
    return main.strip().lower(), _parse_params(rest, warnings)


# --- message ids ---------------------------------------------------------------------------

_BRACKETED = re.compile(r"<([^<>]*)>")
_ID_TOKEN_SEPARATORS = re.compile(r"[\s,;]+")


def _clean_id(value: str) -> str:
    return CONTROL_CHARACTERS.sub("", WHITESPACE.sub("", value)).strip("<>\"'()")


def message_ids(header_value: str) -> tuple[str, ...]:
    """All message ids in a References / In-Reply-To value, normalised, in order.

    Takes what is in <...>; without any brackets, words that contain an '@'.
    """
    value = readable(header_value)
    found = [_clean_id(match) for match in _BRACKETED.findall(value)]
    if not found:
        found = [_clean_id(token) for token in _ID_TOKEN_SEPARATORS.split(value)]
        found = [token for token in found if "@" in token]
    return tuple(dict.fromkeys(message_id for message_id in found if message_id))


def header_message_ids(message: Message, name: str) -> tuple[str, ...]:
    ids = (message_id for value in raw_headers(message, name) for message_id in message_ids(value))
    return tuple(dict.fromkeys(ids))


def normalize_message_id(value: str) -> str:
    """'<abc@host>' -> 'abc@host'; also cleans folded whitespace and missing brackets."""
    value = readable(value)
    match = _BRACKETED.search(value)
    return _clean_id(match.group(1) if match else value)


# --- dates ---------------------------------------------------------------------------------


def parse_date(value: str | None, warnings: Warnings) -> datetime | None:
    if value is None:
        return None
    text, _ = strip_comments(unfold(value))  # "(EDT)" confuses the date parser
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
