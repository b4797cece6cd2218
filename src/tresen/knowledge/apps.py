from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "tresen.knowledge"
    label = "knowledge"
    verbose_name = "Knowledge base"
