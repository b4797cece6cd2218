from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "tresen.channels"
    # "channels" is Django Channels' own label.
    label = "tresen_channels"

    def ready(self) -> None:
        from . import receivers  # noqa: F401
