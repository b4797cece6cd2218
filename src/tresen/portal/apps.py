from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "tresen.portal"
    label = "portal"
    verbose_name = "Customer portal"
