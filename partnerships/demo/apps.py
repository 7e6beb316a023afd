from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "partnerships.demo"
    verbose_name = "Demo data"
