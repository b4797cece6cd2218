from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "tresen.customers"
    label = "customers"
