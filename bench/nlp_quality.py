"""Quality of message analysis on the hand-written held-out test set and the public sets.

    .venv/bin/python bench/nlp_quality.py             # the shipped base model
    .venv/bin/python bench/nlp_quality.py --model DIR --errors   # another model; list misses

The test set (bench/data/nlp/testset_*.jsonl, ANNOTATION.md) was written before training and
is used by nothing else. Baseline, measured in the same run: the most frequent topic per
language, and a keyword rule (the first topic whose word list matches).
"""

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from tresen.nlp import analyze
from tresen.nlp.corpus import SENTIMENTS, TOPICS, read_jsonl
from tresen.nlp.evaluate import f1_by_label
from tresen.nlp.model import BASE_MODEL, load

DATA = Path(__file__).resolve().parent / "data" / "nlp"
FORMATS = {"order_number_format": "NH-######", "gift_card_format": "GC-****-****-****"}
SHORT_NAMES = {t: t[:6] for t in TOPICS}


def macro(per_label: dict[str, float], labels) -> float:
    labels = [label for label in labels if label in per_label]
    return sum(per_label[label] for label in labels) / max(len(labels), 1)


def entity_counts(gold: dict, found: dict) -> tuple[int, int, int]:
    gold_set = {(k, v) for k, values in gold.items() for v in values}
    found_set = {(k, v) for k, values in found.items() for v in values}
    return len(gold_set & found_set), len(found_set - gold_set), len(gold_set - found_set)


def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def confusion(gold: list[str], predicted: list[str]) -> str:
    pairs = Counter(zip(gold, predicted, strict=True))
    labels = [t for t in TOPICS if t in set(gold) | set(predicted)]
    head = "gold \\ predicted".ljust(17) + " ".join(SHORT_NAMES[t].rjust(6) for t in labels)
    lines = [head]
    for g in labels:
        row = " ".join(str(pairs[(g, p)] or ".").rjust(6) for p in labels)
        lines.append(g.ljust(17) + row)
    return "\n".join(lines)


def evaluate(rows: list[dict], model, *, show_errors: bool) -> dict:
    results = [analyze(r["text"], r.get("subject") or "", model=model, **FORMATS) for r in rows]
    by_language: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        by_language[row["language"]].append(index)
    report: dict = {"languages": {}}
    for language, indexes in sorted(by_language.items()):
        gold = [rows[i]["topic"] for i in indexes]
        predicted = [results[i].topic for i in indexes]
        per_label = f1_by_label(gold, predicted)
        sentiment_gold = [rows[i]["sentiment"] for i in indexes]
        sentiment_predicted = [results[i].sentiment for i in indexes]
        urgent = Counter((rows[i]["urgent"], results[i].urgent) for i in indexes)
        report["languages"][language] = {
            "n": len(indexes),
            "topic_accuracy": sum(g == p for g, p in zip(gold, predicted, strict=True))
            / len(indexes),
            "topic_macro_f1": macro(per_label, set(gold)),
            "topic_f1": per_label,
            "sentiment_macro_f1": macro(
                f1_by_label(sentiment_gold, sentiment_predicted), SENTIMENTS
            ),
            "urgent_f1": f1(urgent[(True, True)], urgent[(False, True)], urgent[(True, False)]),
            "confusion": confusion(gold, predicted),
            "top3": sum(rows[i]["topic"] in [t for t, _ in results[i].topics] for i in indexes)
            / len(indexes),
        }
    tp = fp = fn = 0
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row, result in zip(rows, results, strict=True):
        counts = entity_counts(row["entities"], result.entities)
        tp, fp, fn = tp + counts[0], fp + counts[1], fn + counts[2]
        for kind in row["entities"]:
            c = entity_counts({kind: row["entities"][kind]}, {kind: result.entities[kind]})
            by_kind[kind] = [a + b for a, b in zip(by_kind[kind], c, strict=True)]
        if show_errors and (counts[1] or counts[2]):
            wanted = {k: v for k, v in row["entities"].items() if v}
            got = {k: v for k, v in result.entities.items() if v}
            print(f"  entity miss {row['id']}: gold {wanted} found {got}")
    report["entity_f1"] = f1(tp, fp, fn)
    report["entity_f1_by_kind"] = {k: f1(*v) for k, v in by_kind.items()}
    long_rows = [(r, x) for r, x in zip(rows, results, strict=True) if len(r["text"]) >= 20]
    report["language_accuracy_20plus"] = sum(
        r["language"] == x.language for r, x in long_rows
    ) / max(len(long_rows), 1)
    report["language_accuracy_all"] = sum(
        r["language"] == x.language for r, x in zip(rows, results, strict=True)
    ) / len(rows)
    if show_errors:
        for row, result in zip(rows, results, strict=True):
            if row["topic"] != result.topic:
                text = " ".join((row.get("subject", "") + " " + row["text"]).split())[:110]
                print(f"  {row['id']}: {row['topic']} -> {result.topic} "
                      f"({result.topic_confidence:.2f}) {text}")  # fmt: skip
            if row["language"] != result.language:
                head = row["text"][:60]
                print(f"  language {row['id']}: {row['language']} -> {result.language}: {head!r}")
    return report


# Word stems a support lead would write down for each topic (folded: no umlauts).
KEYWORDS = {
    "order_status": "paket sendung tracking wo lieferstatus parcel package where tracking arrived",
    "shipping": "versandkost lieferzeit liefert versand shipping deliver ship",
    "cancellation": "storn abbestell cancel",
    "return": "rucksend retour zuruckschick return send",
    "refund": "erstatt ruckzahl geld refund money",
    "exchange": "umtausch tausch grosse exchange swap size",
    "order_change": "andern adresse lieferadresse change address",
    "payment": "zahlung bezahl paypal klarna abgebucht lastschrift payment paid charged card",
    "invoice": "rechnung mwst invoice receipt vat",
    "warranty": "defekt kaputt garantie gewahrleist reparat broken warranty repair faulty",
    "product_question": "material masse lager verfugbar passt product material stock fit",
    "account": "konto passwort login anmeld account password log",
    "loyalty": "punkte pramie bonus points reward",
    "gift_card": "gutschein geschenkkart code rabatt voucher gift discount",
    "membership": "mitgliedschaft abo newsletter plus membership subscription",
    "complaint": "beschwer unverschamt unfreundlich complaint rude unacceptable",
}


def keyword_topic(text: str) -> str:
    from tresen.nlp.features import words

    tokens = words(text)
    hits = {t: sum(any(w.startswith(k) for k in stems.split()) for w in tokens)
            for t, stems in KEYWORDS.items()}  # fmt: skip
    best = max(hits, key=hits.get)
    return best if hits[best] else "other"


def baselines(rows: list[dict]) -> dict[str, float]:
    result = {}
    for language in sorted({r["language"] for r in rows} & {"de", "en"}):
        part = [r for r in rows if r["language"] == language]
        gold = [r["topic"] for r in part]
        common = Counter(gold).most_common(1)[0][0]
        majority = f1_by_label(gold, [common] * len(gold))
        predicted = [keyword_topic(f"{r.get('subject', '')} {r['text']}") for r in part]
        result[f"{language} majority macro-F1"] = macro(majority, set(gold))
        result[f"{language} keyword macro-F1"] = macro(f1_by_label(gold, predicted), set(gold))
    return result


def public_held_out(model) -> dict:
    rows = [
        r
        for r in read_jsonl(BASE_MODEL.parent.parent / "data" / "public.jsonl")
        if r["split"] == "test"
    ]
    by_source: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_source[row["source"]].append(row)
    out = {}
    for source, part in sorted(by_source.items()):
        gold = [r["topic"] for r in part]
        predicted = [analyze(r["text"], model=model).topic for r in part]
        out[source] = {
            "n": len(part),
            "accuracy": sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(part),
            "macro_f1": macro(f1_by_label(gold, predicted), set(gold)),
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=str(BASE_MODEL))
    parser.add_argument("--errors", action="store_true")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    model = load(Path(args.model))
    rows = [r for name in ("de", "en", "other") for r in read_jsonl(DATA / f"testset_{name}.jsonl")]
    report = evaluate(rows, model, show_errors=args.errors)
    print(f"model {model.version} ({model.meta.get('rows')} training rows), {len(rows)} messages")
    print("language   n  topic-acc  macro-F1  top-3  sentiment-F1  urgent-F1")
    for language, r in report["languages"].items():
        topic = f"{r['topic_accuracy']:9.3f}  {r['topic_macro_f1']:8.3f}  {r['top3']:5.3f}"
        rest = f"{r['sentiment_macro_f1']:12.3f}  {r['urgent_f1']:9.3f}"
        print(f"{language:>8} {r['n']:>3}  {topic}  {rest}")
    for language in ("de", "en"):
        r = report["languages"][language]
        print(
            f"\nper-label F1 ({language}): "
            + ", ".join(f"{k} {v:.2f}" for k, v in sorted(r["topic_f1"].items()))
        )
        print(r["confusion"])
    print(
        f"\nentity exact-match F1 {report['entity_f1']:.3f}: "
        + ", ".join(f"{k} {v:.3f}" for k, v in report["entity_f1_by_kind"].items())
    )
    print(f"language accuracy: {report['language_accuracy_20plus']:.3f} on 20+ characters, "
          f"{report['language_accuracy_all']:.3f} on all")  # fmt: skip
    print(
        "\nbaselines (same test set): "
        + ", ".join(f"{k} {v:.3f}" for k, v in baselines(rows).items())
    )
    public = public_held_out(model)
    print(
        "public held-out (English, mapped intents): "
        + "; ".join(
            f"{s} n={v['n']} acc {v['accuracy']:.3f} macro-F1 {v['macro_f1']:.3f}"
            for s, v in public.items()
        )
    )
    if args.json:
        report["public"] = public
        Path(args.json).write_text(json.dumps(report, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
