"""Who made a change: every mutation names one (rule 6 of the house)."""

from dataclasses import dataclass
from typing import Literal

ActorKind = Literal["agent", "customer", "system", "rule", "bot"]
ACTOR_KINDS: tuple[str, ...] = ("agent", "customer", "system", "rule", "bot")


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    id: int | None = None
    label: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ACTOR_KINDS:
            raise ValueError(f"unknown actor kind {self.kind!r}")

    @classmethod
    def agent(cls, agent) -> "Actor":
        return cls("agent", agent.pk, agent.name or agent.email)

    @classmethod
    def customer(cls, customer_id: int | None, label: str = "") -> "Actor":
        return cls("customer", customer_id, label)

    @property
    def fires_rules(self) -> bool:
        # Rule-made changes never trigger rules again.
        return self.kind != "rule"


SYSTEM = Actor("system", None, "Tresen")
