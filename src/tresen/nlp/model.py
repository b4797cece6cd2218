"""A linear model over folded-text features with several heads (topic, sentiment, urgency)
sharing one vocabulary, stored as plain arrays (``model.npz`` + ``meta.json``; no pickle).

Scoring one message is one sparse-times-dense product, so analysis stays far below a
millisecond once the features are counted.
"""

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .features import word_features, words

BASE_MODEL = Path(__file__).parent / "models" / "base"
_WORD_CACHE_SIZE = 100_000


@dataclass(frozen=True)
class Head:
    name: str
    labels: tuple[str, ...]
    start: int  # first column in the weight matrix


class LinearModel:
    def __init__(self, vocabulary: list[str], idf, weights, bias, heads, meta: dict):
        self.vocabulary = vocabulary
        self.index = {feature: column for column, feature in enumerate(vocabulary)}
        self.idf = np.asarray(idf, dtype=np.float32)
        self.weights = np.asarray(weights, dtype=np.float32)
        self.bias = np.asarray(bias, dtype=np.float32)
        self.heads = {head.name: head for head in heads}
        self.meta = meta
        self._word_columns: dict[str, tuple[int, ...]] = {}

    @property
    def version(self) -> str:
        return self.meta.get("version", "")

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indexes and tf-idf values (L2-normalised) of ``text``'s known features."""
        counts: dict[int, int] = {}
        index = self.index
        tokens = words(text)
        for word in tokens:
            for column in self._columns_of(word):
                counts[column] = counts.get(column, 0) + 1
        for a, b in zip(tokens, tokens[1:], strict=False):
            column = index.get(f"b:{a} {b}")
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        if not counts:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        values = (1.0 + np.log(tf)) * self.idf[columns]
        return columns, values / np.float32(math.sqrt(float(values @ values)))

    def _columns_of(self, word: str) -> tuple[int, ...]:
        columns = self._word_columns.get(word)
        if columns is None:
            if len(self._word_columns) > _WORD_CACHE_SIZE:
                self._word_columns.clear()
            found = map(self.index.get, word_features(word))
            columns = self._word_columns[word] = tuple(c for c in found if c is not None)
        return columns

    def scores(self, text: str) -> np.ndarray:
        columns, values = self.vector(text)
        return values @ self.weights[columns] + self.bias

    def probabilities(self, scores: np.ndarray, head_name: str) -> dict[str, float]:
        head = self.heads[head_name]
        if len(head.labels) == 2 and head.name == "urgent":
            probability = 1.0 / (1.0 + math.exp(-float(scores[head.start])))
            return {"false": 1.0 - probability, "true": probability}
        part = scores[head.start : head.start + len(head.labels)]
        exp = np.exp(part - part.max())
        total = float(exp.sum())
        return {label: float(value) / total for label, value in zip(head.labels, exp, strict=True)}

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            directory / "model.npz",
            vocabulary=np.frombuffer("\n".join(self.vocabulary).encode(), dtype=np.uint8),
            idf=self.idf.astype(np.float16),
            weights=self.weights.astype(np.float16),
            bias=self.bias,
        )
        meta = dict(self.meta, heads=[h.__dict__ for h in self.heads.values()])
        (directory / "meta.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False))

    @classmethod
    def load(cls, directory: Path) -> "LinearModel":
        meta = json.loads((directory / "meta.json").read_text())
        heads = [Head(h["name"], tuple(h["labels"]), h["start"]) for h in meta.pop("heads")]
        with np.load(directory / "model.npz", allow_pickle=False) as arrays:
            vocabulary = arrays["vocabulary"].tobytes().decode().split("\n")
            return cls(vocabulary, arrays["idf"], arrays["weights"], arrays["bias"], heads, meta)


@lru_cache(maxsize=4)
def load(directory: str | Path = BASE_MODEL) -> LinearModel:
    return LinearModel.load(Path(directory))
