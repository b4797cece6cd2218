"""Help-centre retrieval quality: top-1 accuracy and MRR@5 on a hand-written query set.

    .venv/bin/python bench/kb_quality.py [--db sqlite --db postgres] [--misses]

The articles are the demo help centre (src/tresen/demo/help_centre.jsonl, 36 articles in
German and English); the queries (bench/data/kb/queries.jsonl) were written by someone who
read the articles but not the search code. Each query searches in its own language (the
other language fills in) and counts as right when the expected article (either language
version) is first. Baseline in the same run: SQLite FTS5 with its stock unicode61 tokenizer
(case and diacritics folded, no stemming, compounds or typo tolerance) over title and body,
every query word OR'ed, ranked by bm25: what a plain full-text search would give. Tresen is
measured twice: as installed, and with the demo shop's synonym list
(src/tresen/demo/search_synonyms.json, written from the articles without seeing the queries).

While the ranking was tuned, only the even-numbered queries ("dev half") were looked at;
the odd-numbered ones ("held-out half") were scored, not read.
"""

import argparse
import json
import re
import sqlite3
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from _common import BENCH, ROOT, machine, save_result, tresen_env

ARTICLES = ROOT / "src" / "tresen" / "demo" / "help_centre.jsonl"
SYNONYMS = ROOT / "src" / "tresen" / "demo" / "search_synonyms.json"
QUERIES = BENCH / "data" / "kb" / "queries.jsonl"


def load(path: Path) -> list[dict]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [dict(json.loads(line), _index=index) for index, line in enumerate(lines)]


def scores(ranked_keys: list[list[str]], queries: list[dict]) -> dict:
    by: dict[str, list[float]] = defaultdict(list)
    firsts: dict[str, list[int]] = defaultdict(list)
    for keys, query in zip(ranked_keys, queries, strict=True):
        rank = keys[:5].index(query["expected"]) + 1 if query["expected"] in keys[:5] else 0
        half = "dev half" if query["_index"] % 2 == 0 else "held-out half"
        for group in ("all", query["language"], half, f"style:{query.get('style', '')}"):
            by[group].append(1 / rank if rank else 0.0)
            firsts[group].append(rank == 1)
    return {group: {"n": len(by[group]), "top1": sum(firsts[group]) / len(by[group]),
                    "mrr5": sum(by[group]) / len(by[group])} for group in by}  # fmt: skip


def baseline(queries: list[dict]) -> list[list[str]]:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE a USING fts5(key UNINDEXED, language UNINDEXED, title, body,"
               " tokenize='unicode61 remove_diacritics 2')")  # fmt: skip
    for article in load(ARTICLES):
        row = (article["id"], article["language"], article["title"], article["body"])
        db.execute("INSERT INTO a VALUES (?, ?, ?, ?)", row)
    ranked = []
    for query in queries:
        words = re.findall(r"\w+", query["query"].lower())
        expression = " OR ".join(f'"{w}"' for w in words) or '""'
        rows = db.execute(
            "SELECT key, language FROM a WHERE a MATCH ? ORDER BY bm25(a) LIMIT 20", (expression,)
        ).fetchall()
        mine = [k for k, lang in rows if lang == query["language"]]
        ranked.append(list(dict.fromkeys(mine + [k for k, _ in rows])))
    return ranked


def child(show_misses: bool, synonyms: bool) -> None:
    import os

    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "tresen.settings"
    django.setup()
    from tresen.knowledge import services
    from tresen.knowledge.search import search

    with ARTICLES.open(encoding="utf-8") as lines:
        services.import_lines(lines)
    if synonyms:
        for language, groups in json.loads(SYNONYMS.read_text(encoding="utf-8")).items():
            for group in groups:
                services.add_synonyms(language=language, words=group)
    queries = load(QUERIES)
    ranked = []
    for query in queries:
        hits = search(query["query"], language=query["language"], limit=5)
        keys = list(dict.fromkeys(hit.key for hit in hits))
        ranked.append(keys)
        dev = query["_index"] % 2 == 0
        if show_misses and dev and (not keys or keys[0] != query["expected"]):
            print(f"  miss [{query['language']}] {query['query']!r}: expected {query['expected']}, "
                  f"got {keys[:3]}", file=sys.stderr)  # fmt: skip
    print(json.dumps(scores(ranked, queries)))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", action="append", choices=["sqlite", "postgres"])
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("_child", nargs="?")
    args = parser.parse_args()
    if args._child in ("_child", "_child_synonyms"):
        child(args.misses, synonyms=args._child == "_child_synonyms")
        return 0
    queries = load(QUERIES)
    print(machine())
    print(f"{len(queries)} queries ({sum(q['language'] == 'de' for q in queries)} German), "
          f"{len(load(ARTICLES))} articles")  # fmt: skip
    results = {"baseline": scores(baseline(queries), queries)}
    runs = [(db, mode) for db in args.db or ["sqlite"] for mode in ("_child", "_child_synonyms")]
    for db, mode in runs:
        env = tresen_env(db, "kbquality")
        subprocess.run([sys.executable, "-m", "tresen.cli", "migrate"], env=env, check=True,
                       capture_output=True)  # fmt: skip
        command = [sys.executable, __file__, mode] + (["--misses"] if args.misses else [])
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if args.misses:
            print(done.stderr)
        if done.returncode:
            print(done.stderr[-3000:])
            return 1
        name = db if mode == "_child" else f"{db} + the demo shop's synonyms"
        results[name] = json.loads(done.stdout.strip().splitlines()[-1])
    for name, result in results.items():
        parts = [
            f"{group} top-1 {r['top1']:.3f} MRR@5 {r['mrr5']:.3f} (n={r['n']})"
            for group, r in sorted(result.items())
            if not group.startswith("style:")
        ]
        print(f"{name}: " + "; ".join(parts))
        styles = [f"{group[6:]} {r['top1']:.2f}" for group, r in sorted(result.items())
                  if group.startswith("style:")]  # fmt: skip
        print(f"  top-1 by style: {', '.join(styles)}")
    save_result("kb_quality", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
