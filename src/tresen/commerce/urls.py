from django.urls import path

from . import webhook_views

app_name = "commerce"
urlpatterns = [
    path("webhooks/<str:key>/", webhook_views.webhook, name="webhook"),
]
