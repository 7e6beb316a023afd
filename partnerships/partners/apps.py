from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partnerships.partners"
    verbose_name = "Partners"
