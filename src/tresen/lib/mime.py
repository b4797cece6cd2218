"""The declared content type of an upload is the sender's claim; the first bytes are evidence."""

_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
)
# Office documents are zip files underneath.
_ZIP_BASED = ("application/zip", "application/vnd.openxmlformats-officedocument.")


def sniff(content: bytes) -> str | None:
    for signature, content_type in _SIGNATURES:
        if content.startswith(signature):
            return content_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


def contradicts(declared: str, content: bytes) -> bool:
    """True when the bytes are known to be something else than the declared type."""
    declared = declared.lower().split(";")[0].strip()
    actual = sniff(content)
    if declared in {t for _, t in _SIGNATURES} | {"image/webp"}:
        return actual != declared
    if declared.startswith(_ZIP_BASED):
        return actual != "application/zip"
    return False
