"""The customer-facing pages: the help centre (and, later, order self-service)."""

app_name = "portal"
urlpatterns: list = []
