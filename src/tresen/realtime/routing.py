"""WebSocket routes: the agents' workspace and the chat widget."""

from django.urls import path

from tresen.channels.webchat.consumer import VisitorConsumer

from .agents import AgentConsumer

websocket_urlpatterns = [
    path("ws/agents/", AgentConsumer.as_asgi()),
    path("ws/chat/<str:key>/", VisitorConsumer.as_asgi()),
]
