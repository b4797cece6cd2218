"""Agents' search over every message: the terms of each message (German and English stems,
folded, order numbers also by their digits) in a full-text index: FTS5 on SQLite (over the
``MessageSearch`` table, no second copy of the text), a GIN index on PostgreSQL."""

from django.db import connection

from tresen.lib.search_terms import any_language_groups, fts5_expression, tsquery_expression

from .models import Message, MessageSearch

LIMIT = 200  # conversations, newest first: four pages; an agent refines before the fifth


def create(schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS conversations_message_fts USING fts5("
            "terms, content='conversations_messagesearch', content_rowid='message_id', "
            "tokenize = 'unicode61 remove_diacritics 0')"
        )
    elif schema_editor.connection.vendor == "postgresql":
        # A stored vector: a match never parses the terms text again.
        schema_editor.execute(
            "ALTER TABLE conversations_messagesearch ADD COLUMN IF NOT EXISTS vector tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED"
        )
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS conversations_messagesearch_vector_gin "
            "ON conversations_messagesearch USING gin (vector)"
        )


def backfill(db, message_model, search_model) -> None:
    """Index the messages that existed before the index did (models as the migration has
    them)."""
    batch = []
    for pk, conversation_id, subject, text in message_model.objects.values_list(
        "pk", "conversation_id", "subject", "text"
    ).iterator(chunk_size=2000):
        batch.append(search_model(message_id=pk, conversation_id=conversation_id,
                                   terms=terms_of(f"{subject}\n{text}")))  # fmt: skip
        if len(batch) >= 2000:
            search_model.objects.bulk_create(batch)
            batch = []
    search_model.objects.bulk_create(batch)
    if db.vendor == "sqlite":
        with db.cursor() as cursor:
            cursor.execute(
                "INSERT INTO conversations_message_fts (conversations_message_fts) "
                "VALUES ('rebuild')"
            )


def drop(schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS conversations_message_fts")
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS conversations_messagesearch_vector_gin")
        schema_editor.execute(
            "ALTER TABLE conversations_messagesearch DROP COLUMN IF EXISTS vector"
        )


def terms_of(text: str) -> str:
    return " ".join(term for group in any_language_groups(text) for term in group)


def index_message(message: Message) -> None:
    """Called by the services inside the transaction that creates the message."""
    terms = terms_of(f"{message.subject}\n{message.text}")
    MessageSearch.objects.create(message=message, conversation_id=message.conversation_id,
                                 terms=terms)  # fmt: skip
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO conversations_message_fts (rowid, terms) VALUES (%s, %s)",
                [message.pk, terms],
            )


_SQLITE = (
    "SELECT s.conversation_id FROM ("
    " SELECT rowid FROM conversations_message_fts WHERE conversations_message_fts MATCH %s"
    " ORDER BY rowid DESC LIMIT %s) newest"
    " JOIN conversations_messagesearch s ON s.message_id = newest.rowid"
)
_POSTGRES = (
    "SELECT conversation_id FROM ("
    " SELECT conversation_id, message_id FROM conversations_messagesearch"
    " WHERE vector @@ to_tsquery('simple', %s)"
    " ORDER BY message_id DESC LIMIT %s) newest ORDER BY message_id DESC"
)


def conversation_ids(query: str, limit: int = LIMIT) -> list[int]:
    """Conversations with a message containing every word of ``query`` (in any form)."""
    groups = any_language_groups(query)
    if not groups:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            expression = fts5_expression(groups, all_groups=True, prefix_last=False)
            cursor.execute(_SQLITE, [f"terms : ({expression})", limit * 4])
        else:
            expression = tsquery_expression(groups, all_groups=True, prefix_last=False)
            cursor.execute(_POSTGRES, [expression, limit * 4])
        # Several matching messages may share a conversation: keep the first of each.
        return list(dict.fromkeys(row[0] for row in cursor.fetchall()))[:limit]
