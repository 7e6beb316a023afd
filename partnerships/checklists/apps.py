from django.apps import AppConfig


class ChecklistsConfig(AppConfig):
    name = "partnerships.checklists"
    verbose_name = "Checklist frameworks"
