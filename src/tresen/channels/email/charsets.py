"""Bytes to text and transfer encodings undone, for declarations that may be wrong.

Nothing here raises on bad input: every guess is reported to a `Warnings`.
"""

from __future__ import annotations

import binascii
import codecs
import re
from functools import lru_cache

from .parse_warnings import Warnings

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


def to_bytes(value: str) -> bytes:
    # The parser keeps undecodable input bytes as surrogate escapes; this restores them.
    return value.encode("utf-8", "surrogateescape")


def decode_utf8_or_cp1252(data: bytes) -> tuple[str, bool]:
    """UTF-8 where the bytes are UTF-8, windows-1252 for the bytes that are not.

    Byte by byte rather than all or nothing: a header cut in the middle of a UTF-8
    sequence keeps its readable rest. The flag tells whether any byte needed the fallback.
    """
    text = data.decode("utf-8", "surrogateescape")
    if not _SURROGATE.search(text):
        return text, False
    return text.translate(_ESCAPED_AS_CP1252), True


def clean_charset_label(charset: str | None) -> str:
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
    warnings = warnings or Warnings()
    label = clean_charset_label(charset)
    candidates = _codecs_for(label)
    if candidates is None:
        warnings.add(f"unknown charset '{label}', decoded as UTF-8 with replacements")
        return data.decode("utf-8", "replace")
    if not candidates:
        text, mixed = decode_utf8_or_cp1252(data)
        if mixed:
            warnings.add("8-bit text without a charset is not UTF-8, decoded as windows-1252")
        return text
    for codec in candidates:
        if codec == "cp1252":
            return data.decode("latin-1").translate(_CP1252)
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    if candidates[0] in _ASCII_FAMILY:
        # Declared ASCII or UTF-8 but something else: UTF-8 or, most likely, windows-1252.
        text, mixed = decode_utf8_or_cp1252(data)
        used = "windows-1252" if mixed else "UTF-8"
        warnings.add(f"text declared as '{label}' contains other characters, decoded as {used}")
        return text
    warnings.add(f"text is not valid '{label}', decoded with replacements")
    return data.decode(candidates[0], "replace")


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


def transfer_kind(value: str | None, warnings: Warnings) -> str:
    """'identity', 'base64', 'quoted-printable' or 'uuencode' for a raw header value."""
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


def decode_base64(data: bytes, warnings: Warnings) -> bytes:
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
    warnings = warnings or Warnings()
    kind = transfer_kind(encoding, warnings)
    if kind == "base64":
        return decode_base64(data, warnings)
    if kind == "quoted-printable":
        return binascii.a2b_qp(data)
    if kind == "uuencode":
        return _decode_uuencode(data, warnings)
    return data
