"""Articles: import/export, versions, statuses, feedback, the command line and the API."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from tresen.knowledge import services
from tresen.knowledge.models import Article, ArticleVersion, Feedback, SearchQuery
from tresen.testing.factories import API, ApiClient, make_token


def test_import_is_idempotent_on_id_and_language(articles, article_rows):
    rows = article_rows
    assert articles["created"] == len(rows)
    again = services.import_lines([json.dumps(a) for a in rows])
    assert again["unchanged"] == len(rows) and again["created"] == again["updated"] == 0
    assert Article.objects.count() == len(rows)
    assert ArticleVersion.objects.count() == len(rows)
    changed = dict(rows[0], body="Neuer Text zur Rücksendung.")
    assert services.import_lines([json.dumps(changed)])["updated"] == 1
    article = Article.objects.get(key="returns", language="de")
    assert article.versions.count() == 2 and article.body == "Neuer Text zur Rücksendung."


def test_translations_share_the_key(articles):
    both = Article.objects.filter(key="returns").values_list("language", flat=True)
    assert sorted(both) == ["de", "en"]


def test_bad_lines_are_reported_and_the_rest_imported(db):
    lines = [
        "not json",
        json.dumps({"id": "x", "language": "fr", "title": "Bonjour", "body": "."}),
        json.dumps({"id": "y", "language": "de", "title": "", "body": "."}),
        json.dumps([1]),
        json.dumps({"id": "ok", "language": "de", "title": "Gut", "body": "Text"}),
    ]
    counts = services.import_lines(lines)
    assert (counts["created"], counts["failed"]) == (1, 4)
    assert [e.split(":")[0] for e in counts["errors"]] == ["line 1", "line 2", "line 3", "line 4"]
    assert "unsupported language" in counts["errors"][1]
    assert list(Article.objects.values_list("key", flat=True)) == ["ok"]


def test_export_gives_back_what_was_imported(articles, article_rows):
    rows = article_rows
    exported = [json.loads(line) for line in services.export_lines()]
    by_id = {(e["id"], e["language"]): e for e in exported}
    for original in rows:
        got = by_id[(original["id"], original["language"])]
        assert (got["title"], got["body"]) == (original["title"], original["body"])
        assert got["category"] == original.get("category", "")


def test_markdown_is_rendered_and_sanitised(db):
    article, _ = services.save_article(
        key="md", language="de", title="T",
        body="**fett** <script>alert(1)</script> [x](javascript:alert(1)) ![Bild](https://x.example/a.png)",
    )  # fmt: skip
    assert "<strong>fett</strong>" in article.body_html
    assert (
        "<script" not in article.body_html
        and "javascript:" not in article.body_html.split("[x]")[0]
    )
    assert '<img src="https://x.example/a.png" alt="Bild"' in article.body_html


def test_revert_brings_an_old_text_back_as_a_new_version(db, agent):
    article, _ = services.save_article(
        key="v", language="de", title="Eins", body="erste", author=agent
    )
    services.save_article(key="v", language="de", title="Zwei", body="zweite", author=agent)
    article = services.revert(article=article, number=1, author=agent)
    assert (article.title, article.body) == ("Eins", "erste")
    versions = list(article.versions.values_list("number", "title", "note"))
    assert versions == [(3, "Eins", "reverted to version 1"), (2, "Zwei", ""), (1, "Eins", "")]
    with pytest.raises(Exception, match="no version 9"):
        services.revert(article=article, number=9)


def test_publishing_stamps_the_date_and_review_is_recorded(db):
    article, _ = services.save_article(key="p", language="en", title="Hello", body="Text")
    assert article.status == "draft" and article.published_at is None
    article = services.set_status(article=article, status="published", reviewed=True)
    assert article.published_at is not None and article.last_reviewed_at is not None
    with pytest.raises(Exception, match="unknown status"):
        services.set_status(article=article, status="gone")


def test_feedback_counts_votes_and_keeps_comments(articles):
    article = Article.objects.get(key="returns", language="de")
    services.record_feedback(article=article, helpful=False, comment="  Etikett fehlt  ")
    services.record_feedback(article=article, helpful=True)
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (1, 1)
    assert Feedback.objects.get(helpful=False).comment == "Etikett fehlt"


def test_kb_command_imports_searches_and_exports(db, tmp_path, capsys, article_rows):
    rows = article_rows
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in rows))
    call_command("kb", "import", str(path))
    assert "7 created" in capsys.readouterr().out
    call_command("kb", "search", "Ruecksendung", "--lang", "de", "--limit", "2", "--json")
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["id"] == "returns" and hits[0]["language"] == "de"
    assert set(hits[0]) == {"id", "language", "title", "score", "snippet"}
    out = io.StringIO()
    call_command("kb", "export", stdout=out)
    assert len(out.getvalue().splitlines()) == len(rows)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("nope\n")
    with pytest.raises(CommandError, match="1 line"):
        call_command("kb", "import", str(bad))
    with pytest.raises(CommandError):
        call_command("kb", "import", str(tmp_path / "missing.jsonl"))


def test_api_search_is_public_for_published_articles_and_logged(articles, agent):
    Article.objects.filter(key="password").update(visibility="agents")
    services.reindex()
    anonymous = Client().get(f"{API}/kb/search", {"q": "Passwort vergessen", "lang": "de"})
    assert anonymous.status_code == 200
    assert [h["id"] for h in anonymous.json()] == []
    response = Client().get(f"{API}/kb/search", {"q": "Rueckgabe", "lang": "de"})
    assert response.json()[0]["id"] == "returns"
    logged = SearchQuery.objects.filter(source="api").order_by("id")
    assert [(q.query, q.results) for q in logged][-1] == ("Rueckgabe", len(response.json()))
    as_agent = ApiClient(make_token(agent)).get(
        f"{API}/kb/search", {"q": "Passwort vergessen", "lang": "de"}
    )
    assert as_agent.json()[0]["id"] == "password"


def test_api_search_rejects_bad_parameters(db):
    assert Client().get(f"{API}/kb/search", {"q": ""}).status_code == 422
    assert Client().get(f"{API}/kb/search", {"q": "x", "lang": "fr"}).status_code == 422
