"""Fit the linear model's heads with scikit-learn and evaluate models on labelled rows.

Deterministic: same rows, same model (lbfgs, no random state involved).
"""

import math
from collections import Counter
from datetime import UTC, datetime

import numpy as np

from .corpus import SENTIMENTS, TOPICS, texts
from .features import features
from .model import Head, LinearModel

MIN_DOCUMENTS = 2
REGULARISATION = {"topic": 32.0, "sentiment": 4.0, "urgent": 4.0}


def _vocabulary(counted: list[Counter[str]]) -> list[str]:
    documents: Counter[str] = Counter()
    for counts in counted:
        documents.update(counts.keys())
    return sorted(f for f, n in documents.items() if n >= MIN_DOCUMENTS)


def _matrix(counted: list[Counter[str]], index: dict[str, int], idf: np.ndarray):
    from scipy.sparse import csr_matrix

    rows, columns, values = [], [], []
    for row, counts in enumerate(counted):
        known = [(index[f], n) for f, n in counts.items() if f in index]
        if not known:
            continue
        cols = np.array([c for c, _ in known])
        vals = (1.0 + np.log([n for _, n in known])) * idf[cols]
        vals = vals / math.sqrt(float(vals @ vals))
        rows.extend([row] * len(cols))
        columns.extend(cols.tolist())
        values.extend(vals.tolist())
    return csr_matrix((values, (rows, columns)), shape=(len(counted), len(index)))


def _fit(matrix, labels: list[str], weights: list[float], c: float):
    from sklearn.linear_model import LogisticRegression

    classifier = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    classifier.fit(matrix, labels, sample_weight=np.asarray(weights))
    return classifier


def train(rows: list[dict], *, version: str) -> LinearModel:
    """A model with topic, sentiment and urgency heads from labelled ``rows`` (dicts with
    text, subject?, topic, sentiment?, urgent?, weight?)."""
    counted = [features(text) for text in texts(rows)]
    vocabulary = _vocabulary(counted)
    index = {feature: column for column, feature in enumerate(vocabulary)}
    documents: Counter[int] = Counter()
    for counts in counted:
        documents.update(index[f] for f in counts if f in index)
    df = np.array([documents[c] for c in range(len(vocabulary))], dtype=np.float64)
    idf = np.log((1 + len(rows)) / (1 + df)) + 1.0
    matrix = _matrix(counted, index, idf)

    blocks, biases, heads = [], [], []
    for name, labels in (("topic", TOPICS), ("sentiment", SENTIMENTS), ("urgent", ("true",))):
        picked = [i for i, row in enumerate(rows) if row.get(name) is not None]
        targets = [_label(rows[i][name]) for i in picked]
        fitted = _fit(matrix[picked], targets, [rows[i].get("weight", 1.0) for i in picked],
                      REGULARISATION[name])  # fmt: skip
        coef, intercept = _columns(fitted, labels)
        heads.append(Head(name, labels if name != "urgent" else ("false", "true"),
                          sum(b.shape[1] for b in blocks)))  # fmt: skip
        blocks.append(coef)
        biases.append(intercept)
    meta = {"version": version, "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "rows": len(rows), "features": len(vocabulary),
            "sources": dict(Counter(row.get("source", "shop") for row in rows))}  # fmt: skip
    return LinearModel(vocabulary, idf, np.hstack(blocks), np.concatenate(biases), heads, meta)


def _label(value) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _columns(fitted, labels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Weights as features x labels in ``labels`` order (absent labels never win)."""
    classes = list(fitted.classes_)
    if labels == ("true",):
        sign = 1.0 if classes[-1] == "true" else -1.0
        return sign * fitted.coef_.T, sign * fitted.intercept_
    coef = np.zeros((fitted.coef_.shape[1], len(labels)))
    intercept = np.full(len(labels), -30.0)
    for position, label in enumerate(labels):
        if label in classes:
            coef[:, position] = fitted.coef_[classes.index(label)]
            intercept[position] = fitted.intercept_[classes.index(label)]
    return coef, intercept
