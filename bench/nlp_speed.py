"""Speed of ``tresen analyze`` on one core: messages/s, model load time, memory.

    .venv/bin/python bench/nlp_speed.py [-n 20000]

Runs the real command (a subprocess pinned to CPU 0 with taskset) on the test set's messages
repeated to n lines; the start-up (imports and model load) is measured by a one-line run and
subtracted for the throughput. The baseline in the same run is the language identifier alone
(py3langid over the same texts), the part of analysis taken from a library.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = BENCH / "data" / "nlp"


def messages(count: int) -> list[dict]:
    rows = []
    for name in ("de", "en", "other"):
        with (DATA / f"testset_{name}.jsonl").open(encoding="utf-8") as handle:
            rows.extend(json.loads(line) for line in handle if line.strip())
    return [
        {
            "id": i,
            "text": rows[i % len(rows)]["text"],
            "subject": rows[i % len(rows)].get("subject", ""),
        }
        for i in range(count)
    ]


def timed_run(path: Path) -> tuple[float, int]:
    formats = ["--order-number-format", "NH-######", "--gift-card-format", "GC-****-****-****"]
    command = ["taskset", "-c", "0", sys.executable, "-m", "tresen.cli", "analyze", str(path)]
    command += formats
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - started
    return elapsed, len(result.stdout.splitlines())


def language_only(texts: list[str]) -> float:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    started = time.perf_counter()
    for text in texts:
        identifier.classify(text)
    return len(texts) / (time.perf_counter() - started)


def in_the_worker(items: list[dict]) -> tuple[float, float]:
    """ms per message for the analysis task (read, analyse, write message and conversation)
    on a fresh SQLite database, and for the analysis alone."""
    import os

    os.environ["TRESEN_DATA_DIR"] = tempfile.mkdtemp(prefix="tresen-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tresen.testing.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from tresen.conversations.analysis import analyse_message, analysis_of
    from tresen.conversations.models import Message
    from tresen.testing.factories import make_inbox, receive

    call_command("migrate", verbosity=0)
    inbox = make_inbox(channel="api", name="bench")
    ids = [receive(inbox, email=f"k{i}@example.de", text=item["text"] or "-").pk
           for i, item in enumerate(items)]  # fmt: skip
    messages = list(Message.objects.filter(pk__in=ids))
    started = time.perf_counter()
    for message in messages:
        analysis_of(message)
    alone = (time.perf_counter() - started) / len(ids) * 1000
    # receive() analysed them already (tasks run inline here): forget that, then time it.
    Message.objects.filter(pk__in=ids).update(analysis={})
    started = time.perf_counter()
    for pk in ids:
        analyse_message.call(pk)
    task = (time.perf_counter() - started) / len(ids) * 1000
    assert Message.objects.filter(pk__in=ids, analysis={}).count() == 0
    return task, alone


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=20_000)
    args = parser.parse_args()
    items = messages(args.n)
    with tempfile.TemporaryDirectory() as work:
        one, many = Path(work) / "one.jsonl", Path(work) / "many.jsonl"
        one.write_text(json.dumps(items[0]) + "\n")
        many.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items))
        start_up = min(timed_run(one)[0] for _ in range(3))
        total, lines = timed_run(many)
    assert lines == len(items), f"{lines} lines out for {len(items)} in"
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rate = len(items) / (total - start_up)
    mean_chars = sum(len(i["text"]) + len(i["subject"]) for i in items) / len(items)
    print(f"tresen analyze, one core: {len(items)} messages (mean {mean_chars:.0f} characters)")
    print(f"  start-up incl. model load {start_up:.2f} s; total {total:.2f} s")
    print(f"  {rate:,.0f} messages/s after start-up ({len(items) / total:,.0f}/s including it)")
    print(f"  peak memory {rss:.0f} MB")
    baseline = language_only([i["text"] for i in items[:5000]])
    print(f"  baseline: language identification alone {baseline:,.0f} messages/s in-process "
          f"(analysis costs {baseline / rate:.1f}x that)")  # fmt: skip
    task, alone = in_the_worker(items[:1000])
    print(f"  in the worker (SQLite): {task:.2f} ms per message for the analysis task, "
          f"of which {alone:.2f} ms analysis")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
