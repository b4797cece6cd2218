"""HTML from customers is sanitised here and nowhere else."""

import html
import re

import nh3

_ALLOWED_TAGS = {
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}}
_BLOCK_END = re.compile(r"</(p|div|li|tr|h[1-6]|blockquote)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
# Their text is no content: a mail's <title>, styles, scripts.
_DROPPED_WITH_CONTENT = {"script", "style", "title", "head"}


def sanitize(raw_html: str) -> str:
    return nh3.clean(
        raw_html or "",
        tags=_ALLOWED_TAGS,
        clean_content_tags=_DROPPED_WITH_CONTENT,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel", "cid"},
        link_rel="noopener noreferrer nofollow",
    )


def to_text(raw_html: str) -> str:
    """A readable plain-text version for search, previews and NLP."""
    cleaned = nh3.clean(
        raw_html or "", tags=_ALLOWED_TAGS - {"img"}, clean_content_tags=_DROPPED_WITH_CONTENT
    )
    text = _TAG.sub("", _BLOCK_END.sub("\n", cleaned))
    lines = [line.strip() for line in html.unescape(text).splitlines()]
    return "\n".join(line for line in lines if line).strip()
