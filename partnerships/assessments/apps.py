from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "partnerships.assessments"
    verbose_name = "Assessments"
