"""What analysis read, as the agent sees it: the panel, one-click topic correction, flags in
the list, the customer at a glance and key sentences. Real messages, really analysed."""

import re
from collections import Counter

import pytest
from django.test import Client
from django.utils import translation

from tresen.conversations import insights, services
from tresen.conversations.models import Conversation, Status, TimelineEvent
from tresen.testing.factories import as_actor, make_inbox, receive

pytestmark = pytest.mark.django_db

RETURN = "Ich möchte die Jacke zurückschicken, sie passt nicht. Wie bekomme ich ein Retourenlabel?"
LATE = "Hallo, wo bleibt mein Paket? Seit zwei Wochen warte ich schon, das ist ärgerlich."
DOUBLE_CHARGE = (
    "Sie haben mir 89,90 € doppelt abgebucht! Wenn das nicht heute erstattet wird, "
    "gehe ich zum Anwalt und mache eine Rückbuchung."
)
EVERYTHING = (
    "Guten Tag, zu Bestellung NH-128846: Die Sendung 1Z999AA10123456784 kam nie an, "
    "die zweite (Hermes, Sendungsnr. 0944 5012 8702 21) auch nicht. Bitte erstatten Sie "
    "49,90 € auf DE89 3704 0044 0532 0130 00. Mein Gutschein NHG-8T3W-5KPD ist auch weg. "
    "Rufen Sie mich an: 030 23125-123 oder schreiben Sie an Erika.M@Example.de."
)


@pytest.fixture(autouse=True)
def _formats(settings):
    settings.TRESEN_ORDER_NUMBER_FORMAT = "NH-######"
    settings.TRESEN_GIFT_CARD_FORMAT = "NHG-****-****"


@pytest.fixture
def analysed(inbox, django_capture_on_commit_callbacks):
    """An inbound message, stored and analysed as in production (analysis runs on commit)."""

    def write(**kwargs):
        target = kwargs.pop("inbox", inbox)
        with django_capture_on_commit_callbacks(execute=True):
            message = receive(target, **kwargs)
        message.refresh_from_db()
        message.conversation.refresh_from_db()
        return message

    return write


@pytest.fixture
def signed_in(agent):
    client = Client()
    client.force_login(agent)
    return client


def panel(html: str) -> str:
    found = re.search(
        r'<section class="panel analysis" id="analysis-panel".*?</section>', html, re.S
    )
    assert found, "no analysis panel on the page"
    return found.group()


def page(client, conversation) -> str:
    response = client.get(f"/workspace/c/{conversation.pk}/")
    assert response.status_code == 200
    return response.content.decode()


# ---- the panel --------------------------------------------------------------------------


def test_panel_shows_what_analysis_read(signed_in, analysed):
    message = analysed(subject="Bestellung nh 128846", text=LATE)
    conversation = message.conversation
    assert (conversation.topic, conversation.topic_source) == ("order_status", "model")

    html = page(signed_in, conversation)
    shown = panel(html)

    percent = round(conversation.topic_confidence * 100)
    assert f"<strong>Bestellstatus</strong> · {percent} %" in shown
    assert "vom Modell erkannt" in shown
    assert 'class="mood mood-negative"' in shown and "Negativ" in shown  # icon and text
    assert "Deutsch" in shown
    assert "nicht dringend" in shown
    assert "<code>NH-128846</code>" in shown
    # The model's three likeliest topics as one-click buttons, the current one marked.
    buttons = re.findall(r'<button type="submit" name="topic" value="(\w+)"', shown)
    assert buttons == [label for label, _ in message.analysis["topics"]]
    assert 'value="order_status" class="suggestion current"' in shown
    # All 17 topics in the select.
    assert len(re.findall(r"<option value=\"\w+\"", shown)) == 17
    # The timeline marks the inbound message's mood.
    timeline = html.split('id="timeline"', 1)[1]
    assert f'id="message-{message.pk}"' in timeline
    assert "mood-negative" in timeline.split(f'id="message-{message.pk}"', 1)[1].split("</li>")[0]


def test_entities_are_listed_linked_and_the_iban_masked(signed_in, analysed):
    message = analysed(text=EVERYTHING)
    entities = message.analysis["entities"]
    assert entities["ibans"] == ["DE89370400440532013000"]

    html = page(signed_in, message.conversation)
    shown = panel(html)

    assert "<code>NH-128846</code>" in shown
    assert 'href="https://www.ups.com/track?tracknum=1Z999AA10123456784"' in shown
    # A 14-digit number fits DPD and Hermes; the message names Hermes, so Hermes it is.
    assert (
        "https://www.myhermes.de/empfangen/sendungsverfolgung/sendungsinformation#09445012870221"
        in shown
    )
    assert '<a href="tel:+493023125123">+493023125123</a>' in shown
    assert "erika.m@example.de" in shown
    assert "<code>NHG-8T3W-5KPD</code>" in shown
    assert "49,90 EUR" in shown  # in the agent's number format
    assert "DE89 •••• 3000" in shown
    assert "DE89370400440532013000" not in html
    assert "3704 0044 0532" not in shown and "0532013000" not in shown


def test_pending_analysis_says_so(signed_in, inbox):
    # Without running on-commit callbacks the analysis never ran.
    conversation = receive(inbox, text=LATE).conversation
    shown = panel(page(signed_in, conversation))
    assert "werden gerade analysiert" in shown
    assert 'name="topic" value=' not in shown  # no suggestions without a reading


def test_english_ui_shows_english_labels(agent, analysed):
    agent.language = "en"
    agent.save(update_fields=["language"])
    client = Client()
    client.force_login(agent)
    conversation = analysed(text=RETURN).conversation
    shown = panel(page(client, conversation))
    assert f"<strong>Return</strong> · {round(conversation.topic_confidence * 100)}%" in shown
    assert "recognised by the model" in shown and "Is it:" in shown


# ---- correcting the topic ---------------------------------------------------------------


def test_agent_corrects_the_topic_and_later_analysis_keeps_it(signed_in, agent, analysed):
    conversation = analysed(text=DOUBLE_CHARGE).conversation
    assert conversation.topic_source == "model"

    response = signed_in.post(f"/workspace/c/{conversation.pk}/topic/", {"topic": "payment"})

    assert response.status_code == 302
    assert response["Location"] == f"/workspace/c/{conversation.pk}/"
    conversation.refresh_from_db()
    assert (conversation.topic, conversation.topic_source) == ("payment", "agent")
    assert conversation.topic_confidence is None
    event = TimelineEvent.objects.filter(conversation=conversation, kind="topic_changed").last()
    assert (event.actor_kind, event.actor_id, event.data["new"]) == ("agent", agent.pk, "payment")

    # The customer writes again about something the model reads as a return: the agent's
    # topic stands.
    later = analysed(email="kunde@example.de", text=RETURN, conversation_id=conversation.pk)
    assert later.conversation_id == conversation.pk and later.analysis["topic"] == "return"
    conversation.refresh_from_db()
    assert (conversation.topic, conversation.topic_source) == ("payment", "agent")

    html = signed_in.get(f"/workspace/c/{conversation.pk}/").content.decode()
    shown = panel(html)
    assert "<strong>Zahlung</strong>" in shown or "<strong>Bezahlung</strong>" in shown
    assert "gesetzt von Anton Agent" in shown
    assert " %" not in shown.split("</dd>")[0]  # an agent's topic has no confidence


def test_plain_form_post_confirms_with_a_message(signed_in, analysed):
    conversation = analysed(text=RETURN).conversation
    response = signed_in.post(
        f"/workspace/c/{conversation.pk}/topic/", {"topic": "exchange"}, follow=True
    )
    assert "Thema auf Umtausch gesetzt." in response.content.decode()


def test_confirming_the_models_topic_makes_it_the_agents(signed_in, analysed):
    conversation = analysed(text=RETURN).conversation
    assert (conversation.topic, conversation.topic_source) == ("return", "model")
    events = TimelineEvent.objects.filter(conversation=conversation, kind="topic_changed")
    before = events.count()

    signed_in.post(f"/workspace/c/{conversation.pk}/topic/", {"topic": "return"})

    conversation.refresh_from_db()
    assert (conversation.topic, conversation.topic_source) == ("return", "agent")
    assert events.count() == before  # nothing changed, so nothing to tell


def test_htmx_correction_returns_the_panel_and_updates_the_page_parts(signed_in, analysed):
    conversation = analysed(text=RETURN).conversation

    response = signed_in.post(
        f"/workspace/c/{conversation.pk}/topic/", {"topic": "exchange"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    shown = panel(html)
    assert "<strong>Umtausch</strong>" in shown and 'role="status"' in shown
    assert 'value="exchange" selected' in shown
    assert '<span id="header-topic" hx-swap-oob="true">· Thema: Umtausch</span>' in html
    oob = html.split('hx-swap-oob="beforeend:#timeline"', 1)[1]
    assert "Anton Agent hat das Thema auf „Umtausch“ gesetzt" in oob
    conversation.refresh_from_db()
    assert (conversation.topic, conversation.topic_source) == ("exchange", "agent")


@pytest.mark.parametrize("value", ["bogus", "", "RETURN", "return<script>"])
def test_unknown_topic_is_refused_and_changes_nothing(signed_in, analysed, value):
    conversation = analysed(text=RETURN).conversation
    events = TimelineEvent.objects.filter(conversation=conversation).count()
    url = f"/workspace/c/{conversation.pk}/topic/"

    response = signed_in.post(url, {"topic": value}, follow=True)
    html = response.content.decode()
    assert 'class="error"' in html
    assert ("Unbekanntes Thema" in html) if value else ("Bitte wählen Sie ein Thema." in html)
    assert "<script>" not in html.split('<ul class="flash"', 1)[1].split("</ul>")[0]

    partial = signed_in.post(url, {"topic": value}, HTTP_HX_REQUEST="true").content.decode()
    assert 'role="alert"' in panel(partial)

    fresh = Conversation.objects.get(pk=conversation.pk)
    assert (fresh.topic, fresh.topic_source) == ("return", "model")
    assert TimelineEvent.objects.filter(conversation=conversation).count() == events


def test_only_signed_in_agents_may_correct(client, outsider, analysed, agent):
    conversation = analysed(text=RETURN).conversation
    url = f"/workspace/c/{conversation.pk}/topic/"

    anonymous = client.post(url, {"topic": "refund"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]

    former = Client()
    former.force_login(outsider)  # a deactivated agent's session does not count
    response = former.post(url, {"topic": "refund"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(agent)
    assert strict.post(url, {"topic": "refund"}).status_code == 403
    assert strict.get(url).status_code == 405

    fresh = Conversation.objects.get(pk=conversation.pk)
    assert (fresh.topic, fresh.topic_source) == ("return", "model")


# ---- the list ---------------------------------------------------------------------------


def test_urgent_conversations_are_flagged_and_filterable(signed_in, analysed):
    urgent = analysed(email="a@example.de", subject="Doppelt abgebucht", text=DOUBLE_CHARGE)
    calm = analysed(email="b@example.de", subject="Jacke zurück", text=RETURN)
    assert urgent.conversation.urgent and not calm.conversation.urgent

    html = signed_in.get("/workspace/", {"view": "all"}).content.decode()
    rows = {
        subject: row
        for row in html.split('<li class="conversation-row')[1:]
        for subject in ("Doppelt abgebucht", "Jacke zurück")
        if subject in row
    }
    assert 'class="flag-urgent"' in rows["Doppelt abgebucht"]
    assert "Dringend</span>" in rows["Doppelt abgebucht"]  # text, not only colour
    assert 'aria-hidden="true"' in rows["Doppelt abgebucht"]  # the icon is decoration
    assert "flag-urgent" not in rows["Jacke zurück"]

    only = signed_in.get("/workspace/", {"view": "all", "urgent": "1"}).content.decode()
    assert "Doppelt abgebucht" in only and "Jacke zurück" not in only
    assert 'name="urgent" value="1" checked' in only


def test_topic_filter_finds_model_set_topics(signed_in, analysed):
    analysed(email="a@example.de", subject="Jacke zurück", text=RETURN)
    analysed(email="b@example.de", subject="Paket fehlt", text=LATE)
    html = signed_in.get("/workspace/", {"view": "all", "topic": "return"}).content.decode()
    assert "Jacke zurück" in html and "Paket fehlt" not in html
    assert '<span class="topic">Rücksendung</span>' in html


# ---- the customer at a glance -----------------------------------------------------------


@pytest.fixture
def history(analysed, agent):
    """One customer, three conversations over two channels, one closed."""
    email = make_inbox(channel="email", name="Mail")
    chat = make_inbox(channel="chat", name="Chat")
    first = analysed(inbox=email, email="erika@example.de", text=LATE, subject="NH-128846")
    services.set_status(
        conversation=first.conversation, status=Status.CLOSED, actor=as_actor(agent)
    )
    second = analysed(inbox=email, email="erika@example.de", text=RETURN + " Bestellung NH-128900")
    third = analysed(inbox=chat, email="erika@example.de", text=DOUBLE_CHARGE + " NH-128846")
    followup = analysed(
        inbox=chat,
        email="erika@example.de",
        text="Und noch etwas: NH-130001",
        conversation_id=third.conversation_id,
    )
    assert len({first.conversation_id, second.conversation_id, third.conversation_id}) == 3
    assert followup.conversation_id == third.conversation_id
    return [first, second, third, followup]


def test_customer_summary_counts(history):
    first, second, third, _ = history
    with translation.override("de"):
        summary = insights.customer_summary(first.conversation.customer_id)

    assert summary.conversations == 3
    assert summary.by_channel == [("E-Mail", 2), ("Live-Chat", 1)]  # most first, translated
    topics = Counter(
        Conversation.objects.filter(customer_id=first.conversation.customer_id).values_list(
            "topic", flat=True
        )
    )
    assert sum(topics.values()) == 3 and "" not in topics
    assert dict(summary.by_topic) == dict(topics)
    assert {c.pk for c in summary.open_matters} == {second.conversation_id, third.conversation_id}
    assert [m.sentiment for m in summary.moods] == [
        m.sentiment for m in sorted(history, key=lambda m: (m.created_at, m.pk))
    ]
    assert summary.order_numbers == ["NH-128846", "NH-128900", "NH-130001"]
    assert summary.trend in {"worse", "better", "steady"} and summary.trend_text


def test_customer_summary_shows_in_the_sidebar_and_on_the_customer_page(signed_in, history):
    customer_id = history[0].conversation.customer_id
    for url in (
        f"/workspace/c/{history[1].conversation_id}/",
        f"/workspace/customers/{customer_id}/",
    ):
        html = signed_in.get(url).content.decode()
        assert "3 Konversationen insgesamt" in html
        assert "Offene Anliegen" in html and f"#{history[2].conversation_id} " in html
        assert '<ol class="moods" aria-label="Stimmung der letzten 4 Nachrichten' in html
        assert html.count('<span class="visually-hidden">Negativ,') >= 1
        assert "<code>NH-130001</code>" in html


def test_customer_summary_runs_a_fixed_number_of_queries(
    history, analysed, django_assert_max_num_queries
):
    customer_id = history[0].conversation.customer_id
    with django_assert_max_num_queries(3):
        insights.customer_summary(customer_id)
    for _ in range(8):
        analysed(email="erika@example.de", text=RETURN, inbox=make_inbox(channel="whatsapp"))
    with django_assert_max_num_queries(3):
        assert insights.customer_summary(customer_id).conversations == 11


def test_detail_page_query_count_does_not_grow_with_history(
    signed_in, analysed, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    message = analysed(email="erika@example.de", text=LATE)
    url = f"/workspace/c/{message.conversation_id}/"
    signed_in.get(url)  # warm: session, content types
    with CaptureQueriesContext(connection) as few:
        signed_in.get(url)
    for text in (RETURN, DOUBLE_CHARGE, EVERYTHING):
        analysed(email="erika@example.de", text=text, conversation_id=message.conversation_id)
        analysed(email="erika@example.de", text=text, inbox=make_inbox(channel="chat"))
    with CaptureQueriesContext(connection) as many:
        signed_in.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


# ---- key sentences ----------------------------------------------------------------------


def test_key_sentences_for_a_long_conversation_only(signed_in, analysed):
    short = analysed(email="a@example.de", text=RETURN).conversation
    assert "Kernsätze" not in page(signed_in, short)

    first = analysed(email="b@example.de", text=LATE + " Bestellt hatte ich am 3. März.")
    analysed(
        email="b@example.de",
        conversation_id=first.conversation_id,
        text="Die Sendungsverfolgung zeigt seit Tagen nichts Neues an. Das Paket ist weg.",
    )
    analysed(
        email="b@example.de",
        conversation_id=first.conversation_id,
        text="Bitte schicken Sie mir das Paket NH-128846 neu oder erstatten Sie 89,90 €.",
    )
    html = page(signed_in, first.conversation)
    block = html.split('<section class="key-sentences"', 1)[1].split("</section>", 1)[0]
    assert "Kernsätze" in block
    sentences = re.findall(r"<li>(.*?)</li>", block)
    assert 1 <= len(sentences) <= 3
    assert html.index("key-sentences") < html.index('id="timeline"')  # on top


def test_key_sentences_mask_ibans(signed_in, analysed):
    first = analysed(email="c@example.de", text=EVERYTHING)
    for text in (LATE, DOUBLE_CHARGE):
        analysed(email="c@example.de", conversation_id=first.conversation_id, text=text)
    html = page(signed_in, first.conversation)
    block = html.split('<section class="key-sentences"', 1)[1].split("</section>", 1)[0]
    assert "3704 0044" not in block and "DE89370400440532013000" not in block


# ---- pure helpers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moods", "trend"),
    [
        ([], ""),
        (["negative"], ""),
        (["positive", "neutral", "negative", "negative"], "worse"),
        (["negative", "negative", "neutral", "positive"], "better"),
        (["neutral", "negative", "neutral", "negative"], "steady"),
        (["positive", "negative"], "worse"),
    ],
)
def test_trend(moods, trend):
    assert insights.trend_of(moods) == trend


@pytest.mark.parametrize(
    ("number", "named", "carrier"),
    [
        ("1Z999AA10123456784", set(), "UPS"),
        ("JJD000390007827313370", set(), "DHL"),
        ("00340434161094042557", set(), "DHL"),
        ("H1001234567890123456", set(), "Hermes"),
        ("09445012870221", set(), ""),  # DPD or Hermes: the format does not tell
        ("09445012870221", {"DPD"}, "DPD"),
        ("09445012870221", {"DPD", "Hermes"}, ""),
        ("340434161094", {"GLS"}, "GLS"),
        ("340434161094", {"UPS"}, ""),  # UPS numbers never look like that
    ],
)
def test_carrier_of(number, named, carrier):
    assert insights.carrier_of(number, named) == carrier
