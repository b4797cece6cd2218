"""Per-label quality of a model on labelled rows: accuracy, macro-F1, F1 per label."""

from collections import Counter

from .analysis import analyze
from .model import LinearModel


def f1_by_label(gold: list[str], predicted: list[str]) -> dict[str, float]:
    pairs = Counter(zip(gold, predicted, strict=True))
    scores = {}
    for label in sorted(set(gold) | set(predicted)):
        true_positive = pairs[(label, label)]
        gold_count = sum(n for (g, _), n in pairs.items() if g == label)
        predicted_count = sum(n for (_, p), n in pairs.items() if p == label)
        denominator = gold_count + predicted_count
        scores[label] = 2 * true_positive / denominator if denominator else 0.0
    return scores


def topic_report(model: LinearModel, rows: list[dict]) -> dict:
    gold = [row["topic"] for row in rows]
    predicted = [analyze(row["text"], row.get("subject") or "", model=model).topic for row in rows]
    per_label = f1_by_label(gold, predicted)
    gold_labels = set(gold)
    return {
        "rows": len(rows),
        "accuracy": sum(g == p for g, p in zip(gold, predicted, strict=True)) / max(len(rows), 1),
        "macro_f1": sum(per_label[label] for label in gold_labels) / max(len(gold_labels), 1),
        "f1": {label: round(per_label[label], 3) for label in sorted(gold_labels)},
    }
