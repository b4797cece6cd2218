from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "tresen.conversations"
    label = "conversations"

    def ready(self) -> None:
        from . import analysis, receivers  # noqa: F401
