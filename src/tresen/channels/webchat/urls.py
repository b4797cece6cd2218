from django.urls import path

from . import views

app_name = "chat"
urlpatterns = [
    path("widget.js", views.widget_js, name="widget"),
    path("api/<str:key>/config", views.config, name="config"),
    path("api/<str:key>/session", views.session, name="session"),
    path("api/<str:key>/upload", views.upload, name="upload"),
    path("api/<str:key>/files/<int:pk>/<str:signature>", views.attachment_file, name="file"),
    path("preview/<str:key>/", views.preview, name="preview"),
]
