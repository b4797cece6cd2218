"""One message in, everything Tresen reads from it out."""

from dataclasses import dataclass, field

from . import entities, language
from .model import LinearModel, load
from .reading import reading

URGENT_THRESHOLD = 0.5


@dataclass(frozen=True)
class Analysis:
    language: str
    language_confidence: float
    topic: str
    topic_confidence: float
    topics: list[tuple[str, float]]  # best three, most likely first
    sentiment: str
    sentiment_confidence: float
    urgent: bool
    urgency: float
    entities: dict[str, list[str]] = field(default_factory=dict)
    model_version: str = ""

    def as_json(self) -> dict:
        """The ``tresen analyze`` line (without the caller's id)."""
        return {
            "language": self.language,
            "topic": self.topic,
            "topic_confidence": round(self.topic_confidence, 4),
            "topics": [label for label, _ in self.topics],
            "sentiment": self.sentiment,
            "urgent": self.urgent,
            "entities": self.entities,
        }


def analyze(
    text: str,
    subject: str = "",
    *,
    order_number_format: str = "",
    gift_card_format: str = "",
    model: LinearModel | None = None,
) -> Analysis:
    model = model or load()
    own_words = reading(text, subject)
    detected, language_confidence = language.detect(own_words or text)
    scores = model.scores(own_words)
    topics = sorted(model.probabilities(scores, "topic").items(), key=lambda kv: -kv[1])
    sentiments = model.probabilities(scores, "sentiment")
    sentiment = max(sentiments, key=sentiments.get)
    urgency = model.probabilities(scores, "urgent")["true"]
    found = entities.extract(
        f"{subject}\n{text}" if subject else text,
        order_number_format=order_number_format,
        gift_card_format=gift_card_format,
    )
    return Analysis(
        language=detected,
        language_confidence=language_confidence,
        topic=topics[0][0],
        topic_confidence=topics[0][1],
        topics=topics[:3],
        sentiment=sentiment,
        sentiment_confidence=sentiments[sentiment],
        urgent=urgency >= URGENT_THRESHOLD,
        urgency=urgency,
        entities=found,
        model_version=model.version,
    )
