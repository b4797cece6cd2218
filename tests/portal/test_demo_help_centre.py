"""The demo help centre as customers get it: every article opens, every link inside leads to
an article, every category is reachable from home."""

import re

from django.test import Client


def test_every_demo_article_opens_and_its_links_resolve(demo_help_centre):
    client = Client()
    keys = {(row["id"], row["language"]) for row in demo_help_centre}
    for key, language in sorted(keys):
        page = client.get(f"/help/{language}/a/{key}/").content.decode()
        body = page.split('class="article-body">')[1].split('<section id="feedback"')[0]
        for target in re.findall(r'href="(/help/[^"]*)"', body):
            # Rewritten to the canonical URL, not the /help/<id> redirect.
            assert re.fullmatch(r"/help/(de|en)/a/[a-z0-9-]+/", target), (key, target)
            assert client.get(target).status_code == 200, (key, target)


def test_home_reaches_every_category_and_they_reach_every_article(demo_help_centre):
    client = Client()
    for language in ("de", "en"):
        home = client.get(f"/help/{language}/").content.decode()
        categories = re.findall(rf'href="(/help/{language}/c/[^"]+)"', home)
        assert categories
        listed = set()
        for url in categories:
            page = client.get(url)
            assert page.status_code == 200, url
            listed |= set(
                re.findall(rf'href="/help/{language}/a/([^"/]+)/"', page.content.decode())
            )
        written = {row["id"] for row in demo_help_centre if row["language"] == language}
        assert written <= listed


def test_typos_in_german_queries_find_the_demo_articles(demo_help_centre):
    for query in ("Rücksendeetiket", "Lieferzieten"):
        page = Client().get("/help/de/search", {"q": query}).content.decode()
        assert 'class="results"' in page, query
