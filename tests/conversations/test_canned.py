"""Canned responses fill a fixed set of variables and leave anything else alone."""

from tresen.conversations.canned import VARIABLES, fill
from tresen.testing.factories import make_agent, make_conversation


def test_fill_all_variables(inbox):
    conversation = make_conversation(
        inbox, name="Erika Mustermann", subject="Rücksendung", email="erika@example.de"
    )
    agent = make_agent(name="Anton Agent")
    template = " | ".join(f"{{{{ {name} }}}}" for name in VARIABLES)

    filled = fill(template, conversation=conversation, agent=agent)

    assert filled == (
        f"Erika | Erika Mustermann | Anton | Anton Agent | {conversation.pk} | Rücksendung"
    )


def test_fill_accepts_tight_braces(inbox):
    conversation = make_conversation(inbox, name="Erika Mustermann")
    agent = make_agent(name="Anton Agent")

    filled = fill(
        "Hallo {{customer.first_name}}, Ihr {{agent.first_name}}",
        conversation=conversation,
        agent=agent,
    )

    assert filled == "Hallo Erika, Ihr Anton"


def test_unknown_variables_stay_as_written(inbox):
    conversation = make_conversation(inbox, name="Erika Mustermann")
    agent = make_agent(name="Anton Agent")
    template = "{{ order.number }} {{ customer.password }} {{customer}} {{ agent.name }} {x}"

    filled = fill(template, conversation=conversation, agent=agent)

    assert filled == "{{ order.number }} {{ customer.password }} {{customer}} Anton Agent {x}"


def test_customer_without_name_and_agent_without_name(inbox):
    conversation = make_conversation(inbox, name="")
    agent = make_agent(name="", email="support@shop.example")

    filled = fill(
        "Hallo {{ customer.first_name }}! {{ agent.name }}", conversation=conversation, agent=agent
    )

    assert filled == "Hallo ! support@shop.example"
