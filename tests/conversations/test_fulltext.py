from django.db import connection

from tresen.conversations import fulltext
from tresen.conversations.models import Message, MessageSearch
from tresen.testing.factories import make_conversation


def test_backfill_indexes_messages_that_predate_the_index(inbox):
    conversation = make_conversation(inbox, text="Die Kommode kam zerkratzt an.")
    MessageSearch.objects.all().delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO conversations_message_fts (conversations_message_fts) "
                "VALUES ('delete-all')"
            )
    assert fulltext.conversation_ids("Kommode") == []
    fulltext.backfill(connection, Message, MessageSearch)
    assert fulltext.conversation_ids("kommode zerkratzt") == [conversation.pk]


def test_every_word_must_match_and_newest_conversations_come_first(inbox):
    older = make_conversation(inbox, text="Lampe flackert")
    newer = make_conversation(inbox, text="Die Lampe flackert seit gestern")
    make_conversation(inbox, text="Lampe ist hell")
    assert fulltext.conversation_ids("lampe flackert") == [newer.pk, older.pk]
    assert fulltext.conversation_ids("lampe flackert", limit=1) == [newer.pk]
    assert fulltext.conversation_ids("und der die") == []
