"""sitemap.xml: valid XML listing homes, categories and articles of both languages."""

import xml.etree.ElementTree as ET
from datetime import datetime

from django.test import Client

from tresen.knowledge.models import Article

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def sitemap() -> ET.Element:
    response = Client().get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 (our own response)


def test_the_sitemap_lists_every_public_page_once_with_lastmod(help_articles):
    root = sitemap()
    urls = {u.find("s:loc", NS).text: u for u in root.findall("s:url", NS)}
    base = "http://testserver"
    public = Article.objects.filter(status="published", visibility="public")
    expected = {f"{base}/help/de/", f"{base}/help/en/"}
    expected |= {f"{base}/help/{a.language}/a/{a.key}/" for a in public}
    expected |= {f"{base}/help/{a.language}/c/{a.category.slug}/" for a in public}
    assert set(urls) == expected
    assert len(root.findall("s:url", NS)) == len(expected)
    for loc, url in urls.items():
        lastmod = url.find("s:lastmod", NS).text
        assert datetime.fromisoformat(lastmod).tzinfo is not None, loc
    article = public.get(key="returns", language="de")
    assert urls[f"{base}/help/de/a/returns/"].find("s:lastmod", NS).text == (
        article.updated_at.replace(microsecond=0).isoformat()
    )


def test_the_sitemap_leaves_out_what_is_not_public(help_articles):
    content = Client().get("/sitemap.xml").content.decode()
    for key in ("draft-note", "old-returns", "internal-refunds"):
        assert key not in content
    for slug in ("geheim-entwurf", "archiv", "intern"):
        assert f"/c/{slug}/" not in content


def test_translations_name_each_other(help_articles):
    root = sitemap()
    urls = {u.find("s:loc", NS).text: u for u in root.findall("s:url", NS)}
    alternates = {
        link.get("hreflang"): link.get("href")
        for link in urls["http://testserver/help/de/a/returns/"].findall("x:link", NS)
    }
    assert alternates == {
        "de": "http://testserver/help/de/a/returns/",
        "en": "http://testserver/help/en/a/returns/",
    }
    assert not urls["http://testserver/help/de/a/password/"].findall("x:link", NS)


def test_an_empty_help_centre_has_a_valid_sitemap(db):
    root = sitemap()
    assert [u.find("s:loc", NS).text for u in root.findall("s:url", NS)] == [
        "http://testserver/help/de/",
        "http://testserver/help/en/",
    ]
