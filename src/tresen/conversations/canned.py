"""Canned responses fill a fixed set of variables; agents cannot reach anything else."""

import re

_VARIABLE = re.compile(r"\{\{\s*([a-z_]+(?:\.[a-z_]+)?)\s*\}\}")

VARIABLES = (
    "customer.first_name",
    "customer.name",
    "agent.first_name",
    "agent.name",
    "conversation.id",
    "conversation.subject",
)


def fill(template: str, *, conversation, agent) -> str:
    customer = conversation.customer
    values = {
        "customer.first_name": customer.first_name,
        "customer.name": customer.name,
        "agent.first_name": agent.first_name,
        "agent.name": agent.display_name,
        "conversation.id": str(conversation.pk),
        "conversation.subject": conversation.subject,
    }

    def replace(match: re.Match) -> str:
        return values.get(match.group(1), match.group(0))

    return _VARIABLE.sub(replace, template)
