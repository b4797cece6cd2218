from django import template

from tresen.core.taxonomy import topic_name

from ..models import Priority, Status

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    return str(dict(Status.choices).get(value, value))


@register.filter
def topic_label(value: str) -> str:
    return topic_name(value) if value else ""


@register.filter
def priority_label(value: int) -> str:
    return str(dict(Priority.choices).get(value, value))
