"""Article Markdown -> sanitised HTML for pages, and -> plain text for snippets and search."""

from markdown_it import MarkdownIt

from tresen.lib.html import sanitize, to_text

# Raw HTML in Markdown is not rendered (html=False): an article is Markdown, nothing else.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def to_html(body: str) -> str:
    return sanitize(_MARKDOWN.render(body or ""))


def plain_text(body: str) -> str:
    return to_text(to_html(body))
