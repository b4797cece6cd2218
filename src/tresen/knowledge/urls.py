"""The knowledge base in the agent workspace: articles, editing, the content-gaps report."""

from django.urls import path

from . import views

app_name = "kb"
urlpatterns = [
    path("", views.article_list, name="articles"),
    path("new/", views.new, name="new"),
    path("preview/", views.preview, name="preview"),
    path("gaps/", views.gaps, name="gaps"),
    path("suggestions/<int:conversation_pk>/", views.suggestions, name="suggestions"),
    path("a/<int:pk>/", views.edit, name="edit"),
    path("a/<int:pk>/status/", views.status, name="status"),
    path("a/<int:pk>/versions/<int:number>/", views.version, name="version"),
    path("a/<int:pk>/versions/<int:number>/revert/", views.revert, name="revert"),
]
