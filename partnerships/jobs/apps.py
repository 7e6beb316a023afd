from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "partnerships.jobs"
    verbose_name = "Background jobs"
