"""The full-text index behind search, one interface over two backends.

SQLite: an FTS5 table keyed by article id, ranked by bm25. PostgreSQL: a stored
``search_vector`` column (``to_tsvector('simple', search_terms)``) with a GIN index, ranked by
ts_rank normalised by length (like bm25; ts_rank_cd ranked worse and 4x slower). Both index
the same terms
(``lib.search_terms``: stemming, folding and compound parts are done in Python), so they find
the same articles for the same query; only the relevance numbers differ in scale.
"""

from django.db import connection

from tresen.lib.search_terms import fts5_expression, tsquery_expression

FTS_TABLE = "knowledge_article_fts"


def _sqlite() -> bool:
    return connection.vendor == "sqlite"


def create(schema_editor) -> None:
    """Called by the migration: the backend's index structure."""
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
            "terms, language UNINDEXED, live UNINDEXED, public UNINDEXED, "
            "tokenize = 'unicode61 remove_diacritics 0')"
        )
    elif schema_editor.connection.vendor == "postgresql":
        # A stored vector: matching and ranking never parse the terms text again.
        schema_editor.execute(
            "ALTER TABLE knowledge_article ADD COLUMN IF NOT EXISTS search_vector tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple', search_terms)) STORED"
        )
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS knowledge_article_vector_gin ON knowledge_article "
            "USING gin (search_vector)"
        )


def drop(schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS knowledge_article_vector_gin")
        schema_editor.execute("ALTER TABLE knowledge_article DROP COLUMN IF EXISTS search_vector")


def store(article) -> None:
    """Keep the index in step with ``article`` (PostgreSQL indexes the column itself)."""
    if not _sqlite():
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM knowledge_article_fts WHERE rowid = %s", [article.pk])
        cursor.execute(
            "INSERT INTO knowledge_article_fts (rowid, terms, language, live, public) "
            "VALUES (%s, %s, %s, %s, %s)",
            [article.pk, article.search_terms, article.language,
             int(article.status == "published"), int(article.visibility == "public")],
        )  # fmt: skip


def forget(article_id: int) -> None:
    if _sqlite():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM knowledge_article_fts WHERE rowid = %s", [article_id])


def match(
    groups: list[list[str]], *, language: str, public_only: bool, limit: int, prefix_last: bool
) -> list[tuple[int, float]]:
    """(article id, relevance) of live articles in ``language`` that contain any term;
    ``groups`` holds each query word's alternatives; the last word may be a prefix."""
    if not any(groups):
        return []
    if _sqlite():
        return _match_sqlite(groups, language, public_only, limit, prefix_last)
    return _match_postgres(groups, language, public_only, limit, prefix_last)


_SQLITE_MATCH = (
    "SELECT rowid, -bm25(knowledge_article_fts) FROM knowledge_article_fts "
    "WHERE knowledge_article_fts MATCH %s AND language = %s AND live = 1 "
    "AND (%s = 0 OR public = 1) ORDER BY bm25(knowledge_article_fts) LIMIT %s"
)
_POSTGRES_MATCH = (
    "SELECT id, ts_rank(search_vector, q, 1) AS rank "
    "FROM knowledge_article, to_tsquery('simple', %s) q "
    "WHERE search_vector @@ q AND language = %s "
    "AND status = 'published' AND (NOT %s OR visibility = 'public') "
    "ORDER BY rank DESC LIMIT %s"
)


def _match_sqlite(groups, language, public_only, limit, prefix_last):
    expression = fts5_expression(groups, all_groups=False, prefix_last=prefix_last)
    with connection.cursor() as cursor:
        cursor.execute(
            _SQLITE_MATCH, [f"terms : ({expression})", language, int(public_only), limit]
        )
        return [(row[0], float(row[1])) for row in cursor.fetchall()]


def _match_postgres(groups, language, public_only, limit, prefix_last):
    expression = tsquery_expression(groups, all_groups=False, prefix_last=prefix_last)
    with connection.cursor() as cursor:
        cursor.execute(_POSTGRES_MATCH, [expression, language, public_only, limit])
        return [(row[0], float(row[1])) for row in cursor.fetchall()]
