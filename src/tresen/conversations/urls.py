from django.urls import path

from . import views

app_name = "workspace"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("c/<int:pk>/", views.detail, name="detail"),
    path("c/<int:pk>/reply/", views.reply, name="reply"),
    path("c/<int:pk>/status/", views.status, name="status"),
    path("c/<int:pk>/priority/", views.priority, name="priority"),
    path("c/<int:pk>/assign/", views.assign, name="assign"),
    path("c/<int:pk>/tags/", views.tags, name="tags"),
    path("c/<int:pk>/topic/", views.topic, name="topic"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("customers/<int:pk>/", views.customer, name="customer"),
]
