"""The Shopware app's addresses; included under commerce/shopware/."""

from django.urls import path

from . import app_views

app_name = "shopware_app"
urlpatterns = [
    path("register/", app_views.register, name="register"),
    path("register/confirm/", app_views.confirm, name="confirm"),
    path("manifest.xml", app_views.manifest, name="manifest"),
    path("webhooks/", app_views.webhook, name="webhook"),
]
