"""Votes and views: once per browser session and article; comments kept."""

from django.test import Client

from tresen.knowledge.models import Article, Feedback


def article(key: str = "returns", language: str = "de") -> Article:
    return Article.objects.get(key=key, language=language)


def vote(client: Client, helpful: str, comment: str = "", *, fetch: bool = False, key="returns"):
    headers = {"X-Requested-With": "fetch"} if fetch else {}
    return client.post(
        f"/help/de/a/{key}/feedback", {"helpful": helpful, "comment": comment}, headers=headers
    )


def test_a_view_counts_once_per_session(help_articles):
    reader, other_reader = Client(), Client()
    for _ in range(3):
        assert reader.get("/help/de/a/returns/").status_code == 200
    assert article().views == 1
    other_reader.get("/help/de/a/returns/")
    reader.get("/help/en/a/returns/")  # the translation is an article of its own
    assert article().views == 2 and article(language="en").views == 1


def test_crawlers_are_not_counted(help_articles):
    bot = Client(headers={"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1)"})
    bot.get("/help/de/a/returns/")
    assert article().views == 0


def test_a_vote_counts_once_per_session_and_keeps_the_comment(help_articles):
    reader = Client()
    reader.get("/help/de/a/returns/")
    response = vote(reader, "no", "  Das Etikett fehlt im Kundenkonto.  ")
    assert response.status_code == 302 and response["Location"] == "/help/de/a/returns/#feedback"
    vote(reader, "no", "noch einmal")
    vote(reader, "yes")
    found = article()
    assert (found.helpful_yes, found.helpful_no) == (0, 1)
    feedback = Feedback.objects.get()
    assert feedback.article == found and feedback.helpful is False
    assert feedback.comment == "Das Etikett fehlt im Kundenkonto."
    vote(Client(), "yes")
    assert (article().helpful_yes, article().helpful_no) == (1, 1)


def test_after_a_no_vote_the_page_offers_the_contact_form_with_the_title(help_articles):
    reader = Client()
    vote(reader, "no")
    page = reader.get("/help/de/a/returns/").content.decode()
    assert 'action="/help/de/a/returns/feedback"' not in page  # voted: no second form
    offer = page.split('class="support-offer"')[1]
    assert "/contact/?lang=de&amp;subject=R%C3%BCcksendung%3A+so+funktioniert%27s" in offer
    assert "article=returns" in offer


def test_after_a_yes_vote_there_is_thanks_and_no_contact_offer(help_articles):
    reader = Client()
    vote(reader, "yes")
    page = reader.get("/help/de/a/returns/").content.decode()
    assert 'class="thanks"' in page and "support-offer" not in page


def test_the_script_gets_the_feedback_box_back(help_articles):
    reader = Client()
    response = vote(reader, "no", fetch=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="feedback"') and "support-offer" in html
    assert article().helpful_no == 1


def test_a_long_comment_is_cut_not_refused(help_articles):
    vote(Client(), "no", "x" * 5000)
    assert len(Feedback.objects.get().comment) == 2000


def test_invalid_votes_and_hidden_articles_count_nothing(help_articles):
    reader = Client()
    assert vote(reader, "maybe").status_code == 302
    assert vote(reader, "yes", key="draft-note").status_code == 404
    assert vote(reader, "yes", key="internal-refunds").status_code == 404
    assert not Feedback.objects.exists()
    assert reader.get("/help/de/a/returns/feedback").status_code == 405


def test_feedback_needs_the_csrf_token(help_articles):
    strict = Client(enforce_csrf_checks=True)
    assert vote(strict, "yes").status_code == 403
    page = strict.get("/help/de/a/returns/").content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = strict.post(
        "/help/de/a/returns/feedback", {"helpful": "yes", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302 and article().helpful_yes == 1
