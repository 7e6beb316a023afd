from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "partnerships.reports"
    verbose_name = "Signed reviews"
