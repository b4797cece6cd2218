import numpy as np

from tresen.nlp import analyze, corpus, store
from tresen.nlp.model import LinearModel, load
from tresen.nlp.train import train

ROWS = [
    {"text": "Wo bleibt mein Paket?", "topic": "order_status", "sentiment": "negative",
     "urgent": False},
    {"text": "Mein Paket ist immer noch nicht da", "topic": "order_status",
     "sentiment": "negative", "urgent": True},
    {"text": "Ich möchte die Rechnung noch einmal", "topic": "invoice", "sentiment": "neutral",
     "urgent": False},
    {"text": "Bitte die Rechnung als PDF schicken", "topic": "invoice", "sentiment": "neutral",
     "urgent": False},
    {"text": "Danke, das Paket ist angekommen, super!", "topic": "other",
     "sentiment": "positive", "urgent": False},
    {"text": "Danke für die schnelle Rechnung, super", "topic": "other", "sentiment": "positive",
     "urgent": True},
]  # fmt: skip


def test_training_is_deterministic_and_a_saved_model_scores_like_the_trained_one(tmp_path):
    first = train(ROWS, version="t1")
    second = train(ROWS, version="t1")
    text = "wo ist das paket"
    assert np.allclose(first.scores(text), second.scores(text))
    first.save(tmp_path / "m")
    loaded = LinearModel.load(tmp_path / "m")
    # Stored as float16: equal to a few thousandths.
    assert np.allclose(loaded.scores(text), first.scores(text), atol=0.02)
    assert analyze(text, model=loaded).topic == "order_status"
    assert analyze("Rechnung bitte", model=loaded).topic == "invoice"


def test_labels_missing_from_the_data_never_win():
    model = train(ROWS, version="t")
    probabilities = model.probabilities(model.scores("Paket"), "topic")
    assert set(probabilities) == set(corpus.TOPICS)
    assert probabilities["warranty"] < 1e-6


def test_the_shipped_base_model_loads_and_knows_every_topic():
    model = load()
    assert model.version == "base"
    assert model.heads["topic"].labels == corpus.TOPICS
    assert model.heads["sentiment"].labels == corpus.SENTIMENTS


def test_install_keeps_the_previous_version_and_rollback_returns_to_it(tmp_path):
    base = store.active(tmp_path)
    assert base.version == "base"
    one = train(ROWS, version="20260101-000000")
    store.install(one, tmp_path)
    assert store.active(tmp_path).version == "20260101-000000"
    two = train(ROWS, version="20260102-000000")
    store.install(two, tmp_path)
    three = train(ROWS, version="20260103-000000")
    store.install(three, tmp_path)
    versions = sorted(p.name for p in store.directory(tmp_path).iterdir() if p.is_dir())
    assert versions == ["20260102-000000", "20260103-000000"]  # the active and the one before
    assert store.roll_back(tmp_path) == "20260102-000000"
    assert store.active(tmp_path).version == "20260102-000000"
    assert store.roll_back(tmp_path) == "base"
    assert store.active(tmp_path).version == "base"


def test_the_shipped_model_is_what_training_on_the_shipped_data_gives(tmp_path):
    """`tresen nlp train --base-only` rebuilds it: data and model never drift apart."""
    from django.core.management import call_command

    call_command("nlp", "train", "--base-only", "--output", str(tmp_path / "m"))
    rebuilt, shipped = LinearModel.load(tmp_path / "m"), load()
    assert rebuilt.vocabulary == shipped.vocabulary
    assert np.allclose(rebuilt.weights, shipped.weights, atol=1e-2)
    assert rebuilt.meta["rows"] == shipped.meta["rows"]
