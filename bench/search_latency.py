"""Search latency with 10,000 help-centre articles and 1,000,000 conversation messages.

    .venv/bin/python bench/search_latency.py --db sqlite --db postgres [--articles 10000]
        [--messages 1000000] [-n 300]

Each database gets a fresh instance. Articles are imported through ``services.import_lines``
(the path of ``tresen kb import``); messages are written in bulk straight into the tables
with the terms the services would compute (writing a million through the services would take
hours and measure ingestion, not search). Texts come from the shipped NLP examples, the
help-centre articles and the NLP test set, shuffled into longer bodies with fresh order
numbers. Queries: the retrieval query set when present, else words drawn from the texts.
Latency is measured in-process around the function the page calls: ``search()`` for the
help centre and one page of ``selectors.conversations`` with a query for agents.
"""

import argparse
import json
import random
import subprocess
import sys
import time

from _common import BENCH, ROOT, machine, percentile, save_result, tresen_env

TEXT_SOURCES = [
    *sorted((ROOT / "src" / "tresen" / "nlp" / "data").glob("examples_*.jsonl")),
    BENCH / "data" / "nlp" / "testset_de.jsonl",
    BENCH / "data" / "nlp" / "testset_en.jsonl",
]
HELP_CENTRE = ROOT / "src" / "tresen" / "demo" / "help_centre.jsonl"
QUERIES = BENCH / "data" / "kb" / "queries.jsonl"


def texts() -> dict[str, list[str]]:
    pool: dict[str, list[str]] = {"de": [], "en": []}
    for path in TEXT_SOURCES:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["language"] in pool:
                pool[row["language"]].append(row["text"])
    return pool


def child(args) -> None:
    import os

    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "tresen.settings"
    django.setup()
    from django.db import connection, transaction

    from tresen.conversations import fulltext
    from tresen.conversations.models import (
        Conversation,
        Inbox,
        Message,
        MessageSearch,
        queue_key,
    )  # fmt: skip
    from tresen.conversations.selectors import ConversationFilter, conversations, page
    from tresen.customers.models import Customer
    from tresen.knowledge import services
    from tresen.knowledge.search import search

    rng = random.Random(7)
    pool = texts()
    result: dict = {}

    # ---- articles
    lines = HELP_CENTRE.read_text(encoding="utf-8").splitlines() if HELP_CENTRE.exists() else []
    for number in range(len(lines), args.articles):
        language = "de" if number % 2 else "en"
        body = "\n\n".join(rng.sample(pool[language], 8))
        title = " ".join(rng.choice(pool[language]).split()[:6])
        row = {"id": f"gen-{number}", "language": language, "title": title, "body": body,
               "category": f"Kategorie {number % 12}"}  # fmt: skip
        lines.append(json.dumps(row))
    started = time.perf_counter()
    counts = services.import_lines(lines)
    result["articles"] = {"count": counts["created"], "import_s": time.perf_counter() - started}
    queries = [json.loads(q) for q in QUERIES.read_text().splitlines()] if QUERIES.exists() else []
    if not queries:
        queries = [{"query": " ".join(rng.choice(pool[lang]).split()[:3]), "language": lang}
                   for lang in ("de", "en") for _ in range(100)]  # fmt: skip
    picks = [queries[i % len(queries)] for i in range(args.n)]
    for q in picks[:20]:
        search(q["query"], language=q["language"])  # warm: vocabulary, caches
    timings = []
    for q in picks:
        started = time.perf_counter()
        search(q["query"], language=q["language"], limit=10)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    typing = []
    for q in picks:
        partial = q["query"][: max(3, len(q["query"]) * 2 // 3)]
        started = time.perf_counter()
        search(partial, language=q["language"], limit=5, prefix_last=True)
        typing.append((time.perf_counter() - started) * 1000)
    typing.sort()
    result["articles"].update(p50=percentile(timings, 0.5), p99=percentile(timings, 0.99),
                              typing_p50=percentile(typing, 0.5),
                              typing_p99=percentile(typing, 0.99), queries=len(picks))  # fmt: skip

    # ---- messages
    inbox = Inbox.objects.create(name="bench", channel="api")
    started = time.perf_counter()
    per_conversation = 10
    made = 0
    from datetime import UTC, datetime, timedelta

    base = datetime(2025, 1, 1, tzinfo=UTC)
    while made < args.messages:
        with transaction.atomic():
            customers = Customer.objects.bulk_create(
                [Customer(name=f"Kunde {made + i}", created_at=base) for i in range(500)]
            )
            convs = Conversation.objects.bulk_create([
                Conversation(inbox=inbox, customer=c, subject="", created_at=base,
                             updated_at=base, last_message_at=base,
                             queue_key=queue_key(base, base)) for c in customers
            ])  # fmt: skip
            messages, searches = [], []
            for conversation in convs:
                for i in range(per_conversation):
                    language = rng.choice(("de", "en"))
                    text = (
                        rng.choice(pool[language]) + f" Bestellung NH-{rng.randint(100000, 999999)}"
                    )
                    at = base + timedelta(minutes=made + i)
                    messages.append(Message(conversation=conversation, inbox=inbox,
                                            direction="in", author_kind="customer", text=text,
                                            delivery_status="received", created_at=at))  # fmt: skip
            Message.objects.bulk_create(messages, batch_size=1000)
            for message in messages:
                searches.append(MessageSearch(message_id=message.pk,
                                              conversation_id=message.conversation_id,
                                              terms=fulltext.terms_of(message.text)))  # fmt: skip
            MessageSearch.objects.bulk_create(searches, batch_size=1000)
            made += len(messages)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO conversations_message_fts (conversations_message_fts) "
                "VALUES ('rebuild')"
            )
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    result["messages"] = {"count": made, "load_s": time.perf_counter() - started}
    words = [w for text in rng.sample(pool["de"] + pool["en"], 400) for w in text.split()[:8]]
    words = [w.strip(".,!?:;()\"'") for w in words if len(w.strip(".,!?:;()\"'")) > 4]
    conversation_queries = [" ".join(rng.sample(words, rng.choice((1, 2)))) for _ in range(args.n)]
    conversation_queries[::10] = [f"NH-{rng.randint(100000, 999999)}"] * len(
        conversation_queries[::10]
    )
    timings = []
    for query in conversation_queries:
        started = time.perf_counter()
        rows, _ = page(conversations(filters=ConversationFilter(query=query, status="any")),
                       offset=0, limit=50)  # fmt: skip
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    result["messages"].update(p50=percentile(timings, 0.5), p99=percentile(timings, 0.99),
                              queries=len(conversation_queries))  # fmt: skip
    print(json.dumps(result))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", action="append", choices=["sqlite", "postgres"])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("_child", nargs="?")
    args = parser.parse_args()
    if args._child == "_child":
        child(args)
        return 0
    print(machine())
    results = {}
    for db in args.db or ["sqlite"]:
        env = tresen_env(db, "search")
        subprocess.run([sys.executable, "-m", "tresen.cli", "migrate"], env=env, check=True,
                       capture_output=True)  # fmt: skip
        done = subprocess.run(
            [sys.executable, __file__, "--articles", str(args.articles), "--messages",
             str(args.messages), "-n", str(args.n), "_child"],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode:
            print(done.stderr[-4000:])
            return 1
        results[db] = json.loads(done.stdout.strip().splitlines()[-1])
        a, m = results[db]["articles"], results[db]["messages"]
        search = f"search p50 {a['p50']:.1f} ms, p99 {a['p99']:.1f} ms"
        typing = f"as-you-type p50 {a['typing_p50']:.1f} ms, p99 {a['typing_p99']:.1f} ms"
        print(
            f"{db}: {a['count']} articles (import {a['import_s']:.0f} s): {search}; "
            f"{typing} ({a['queries']} queries)"
        )
        page = f"p50 {m['p50']:.1f} ms, p99 {m['p99']:.1f} ms ({m['queries']} queries)"
        print(
            f"{db}: {m['count']} messages (load {m['load_s']:.0f} s): "
            f"conversation search page {page}"
        )
    save_result("search_latency", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
