"""`tresen analyze` as a user runs it: a subprocess, no database, no server."""

import json
import os
import subprocess
import sys


def run(args, stdin: str, tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("TRESEN_", "DJANGO_"))}
    environment.update(TRESEN_DATA_DIR=str(tmp_path / "data"), **env)
    return subprocess.run(
        [sys.executable, "-m", "tresen.cli", "analyze", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )


LINES = [
    {"id": "a", "text": "Wo bleibt mein Paket? Bestellung nh 128846", "subject": "Lieferung"},
    {"id": 7, "text": "Gutschein gc ab12 cd34 ef56 geht nicht", "channel": "chat"},
]


def test_one_line_out_per_line_in_with_the_documented_keys(tmp_path):
    stdin = "\n".join(json.dumps(line) for line in LINES) + "\n"
    result = run(
        ["--order-number-format", "NH-######", "--gift-card-format", "GC-****-****-****"],
        stdin,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", 7]
    assert set(out[0]) == {
        "id", "language", "topic", "topic_confidence", "topics", "sentiment", "urgent",
        "entities",
    }  # fmt: skip
    assert out[0]["language"] == "de" and out[0]["topic"] == "order_status"
    assert len(out[0]["topics"]) == 3 and 0 < out[0]["topic_confidence"] <= 1
    assert out[0]["entities"]["order_numbers"] == ["NH-128846"]
    assert out[1]["entities"]["gift_card_codes"] == ["GC-AB12-CD34-EF56"]
    assert out[1]["topic"] == "gift_card"
    # No database was created: analysis needs none.
    assert not (tmp_path / "data").exists() or not list((tmp_path / "data").glob("*.sqlite3"))


def test_formats_come_from_the_environment_when_not_given(tmp_path):
    result = run([], json.dumps(LINES[0]) + "\n", tmp_path, TRESEN_ORDER_NUMBER_FORMAT="NH-######")
    assert json.loads(result.stdout)["entities"]["order_numbers"] == ["NH-128846"]


def test_a_bad_line_gets_an_error_line_and_the_others_are_still_analysed(tmp_path):
    stdin = 'not json\n{"id": 2}\n' + json.dumps(LINES[0]) + "\n[1]\n"
    result = run([], stdin, tmp_path)
    assert result.returncode == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("error", "")[:12] for o in out] == [
        "invalid JSON",
        '"text" must ',
        "",
        "each line mu",
    ]
    assert out[1]["id"] == 2 and out[2]["topic"] == "order_status"
    assert "line 1" in result.stderr and "line 4" in result.stderr


def test_reads_a_file_and_reports_a_missing_one_and_a_bad_format(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(LINES[1]) + "\n")
    assert json.loads(run([str(path)], "", tmp_path).stdout)["id"] == 7
    missing = run([str(tmp_path / "nope.jsonl")], "", tmp_path)
    assert missing.returncode == 1 and "nope.jsonl" in missing.stderr
    bad = run(["--order-number-format", "ORDER"], "", tmp_path)
    assert bad.returncode == 1 and "placeholder" in bad.stderr
