"""Reading customer messages: language, topic, sentiment, urgency, entities, key sentences.

Pure functions on text: nothing here imports Django or Tresen's models, so ``tresen analyze``
runs without a database and any module may call it.
"""

from .analysis import Analysis, analyze

__all__ = ["Analysis", "analyze"]
