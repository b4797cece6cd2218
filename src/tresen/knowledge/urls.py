"""The knowledge base in the agent workspace: articles, editing, the content-gaps report."""

app_name = "kb"
urlpatterns: list = []
