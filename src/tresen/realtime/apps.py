from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "tresen.realtime"
    label = "realtime"

    def ready(self) -> None:
        from . import receivers  # noqa: F401
