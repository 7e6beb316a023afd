from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "partnerships.oversight"
    verbose_name = "Oversight"
