from django.apps import AppConfig


class CommerceConfig(AppConfig):
    name = "tresen.commerce"

    def ready(self) -> None:
        from . import receivers  # noqa: F401
