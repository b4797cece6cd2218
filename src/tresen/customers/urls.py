from django.urls import path

from . import views

app_name = "customers"
urlpatterns = [
    path("<int:pk>/notes/", views.add_note, name="add_note"),
    path("<int:pk>/merge/", views.merge, name="merge"),
]
