"""Adapters are found by dotted path from settings; nothing imports them directly."""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .base import ChannelAdapter


class UnknownChannel(LookupError):
    pass


@cache
def adapter_for(kind: str) -> ChannelAdapter:
    path = settings.TRESEN_CHANNEL_ADAPTERS.get(kind)
    if path is None:
        raise UnknownChannel(f"no adapter is configured for the channel {kind!r}")
    return import_string(path)()
