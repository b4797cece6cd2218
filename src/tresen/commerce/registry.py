"""Providers are found by dotted path from settings; nothing imports them directly."""

from django.conf import settings
from django.utils.module_loading import import_string

from .base import ShopProvider


class UnknownProvider(LookupError):
    pass


def provider_names() -> list[str]:
    return sorted(settings.TRESEN_SHOP_PROVIDERS)


def provider_for(connection) -> ShopProvider:
    path = settings.TRESEN_SHOP_PROVIDERS.get(connection.provider)
    if path is None:
        raise UnknownProvider(f"no shop provider is configured as {connection.provider!r}")
    return import_string(path)(connection)
