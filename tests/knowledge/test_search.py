"""The same cases run against SQLite FTS5 and PostgreSQL full text (the suite runs twice)."""

import pytest
from django.core.exceptions import ValidationError

from tresen.knowledge import services
from tresen.knowledge.models import Article
from tresen.knowledge.search import search, vocabulary_changed


def keys(query: str, **kwargs) -> list[tuple[str, str]]:
    return [(hit.key, hit.language) for hit in search(query, **kwargs)]


@pytest.mark.parametrize("query", ["Rücksendung", "Ruecksendung", "rucksendung", "RÜCKSENDUNGEN"])
def test_umlauts_and_their_spellings_find_the_same_article(articles, query):
    assert keys(query)[0] == ("returns", "de")


def test_a_compound_in_the_query_finds_the_articles_about_its_parts(articles):
    assert keys("Rücksendeetikett")[0] == ("returns", "de")


def test_a_typo_is_forgiven(articles):
    assert keys("Lieferzieten")[0] == ("delivery-times", "de")
    assert keys("Rücksendeetiket")[0] == ("returns", "de")


def test_inflected_forms_meet_through_stemming(articles):
    assert keys("returning labels", language="en")[0] == ("returns", "en")


def test_the_readers_language_comes_first_and_the_other_fills_in(articles):
    assert keys("Versandkosten", language="de")[0] == ("delivery-times", "de")
    assert keys("shipping costs", language="en")[0] == ("delivery-times", "en")
    # Only in English: a German reader still finds it.
    assert ("plus-only-en", "en") in keys("Plus membership", language="de")


def test_shop_synonyms_widen_the_search(articles):
    # The shop's own word for its vouchers: no article and no model knows it.
    assert ("gift-cards", "de") not in keys("Hafentaler")
    services.add_synonyms(language="de", words=["Gutschein", "Hafentaler", "Giftcard"])
    with pytest.raises(ValidationError):
        services.add_synonyms(language="de", words=["nur eins"])
    assert keys("Hafentaler")[0] == ("gift-cards", "de")


def test_the_topic_of_a_query_finds_articles_that_share_no_word_with_it(articles):
    assert keys("Geschenkkarte")[0] == ("gift-cards", "de")


def test_snippets_mark_the_matched_words_and_escape_the_rest(articles):
    services.save_article(
        key="xss",
        language="de",
        title="Etikett <b>fett</b>",
        body="Das <script>alert(1)</script> Etikett & mehr.",
        status="published",
    )
    hits = {hit.key: hit for hit in search("Etikett")}
    assert "<mark>Etikett</mark>" in hits["returns"].snippet
    assert "<script>" not in hits["xss"].snippet and "&amp;" in hits["xss"].snippet


def test_drafts_archived_and_internal_articles_stay_out_of_public_search(articles):
    article = Article.objects.get(key="password", language="de")
    assert keys("Passwort")[0] == ("password", "de")
    services.set_status(article=article, status="draft")
    assert keys("Passwort") == []
    services.set_status(article=article, status="published")
    Article.objects.filter(pk=article.pk).update(visibility="agents")
    services.set_status(article=Article.objects.get(pk=article.pk), status="published")
    assert keys("Passwort") == []
    assert keys("Passwort", public_only=False)[0] == ("password", "de")


def test_helpful_articles_rank_above_equally_relevant_unhelpful_ones(articles):
    for key in ("a", "b"):
        services.save_article(key=f"pair-{key}", language="de", title="Kissen waschen",
                              body="Kissen bei 40 Grad waschen.", status="published")  # fmt: skip
    low, high = (Article.objects.get(key=f"pair-{k}") for k in ("a", "b"))
    for _ in range(5):
        services.record_feedback(article=low, helpful=False)
        services.record_feedback(article=high, helpful=True)
    assert keys("Kissen waschen")[:2] == [("pair-b", "de"), ("pair-a", "de")]


def test_search_as_you_type_matches_the_last_word_as_a_prefix(articles):
    assert keys("Gutsch", prefix_last=True)[0] == ("gift-cards", "de")
    assert keys("Lieferz", prefix_last=True)[0] == ("delivery-times", "de")
    assert keys("Passw", prefix_last=True)[0] == ("password", "de")
    assert keys("Lieferzieten", prefix_last=True)[0] == ("delivery-times", "de")


def test_query_syntax_is_just_text(articles):
    for query in ['"', "a OR b", "NOT*", "(", "'; DROP TABLE x; --", "&|!:*"]:
        assert isinstance(search(query), list)


def test_an_empty_or_stopword_query_has_no_hits(articles):
    assert search("") == [] and search("   ") == [] and search("die und der") == []


def test_vocabulary_follows_new_articles(articles):
    assert keys("Teppichreinigung") == []
    services.save_article(key="rugs", language="de", title="Teppichreinigung",
                          body="So reinigst du Teppiche.", status="published")  # fmt: skip
    vocabulary_changed()
    assert keys("Teppichreinigung")[0] == ("rugs", "de")
