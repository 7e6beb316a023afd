from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "partnerships.assessments"
    verbose_name = "Assessments"

    def ready(self):
        from partnerships.assessments import latest  # noqa: F401 (its signal receiver)
