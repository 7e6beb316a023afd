from django.apps import AppConfig


class PrinciplesConfig(AppConfig):
    name = "partnerships.principles"
    verbose_name = "Principles of A/RES/56/76"
