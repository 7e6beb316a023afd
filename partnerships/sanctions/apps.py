from django.apps import AppConfig


class SanctionsConfig(AppConfig):
    name = "partnerships.sanctions"
    verbose_name = "Sanctions screening"

    def ready(self) -> None:
        from partnerships.sanctions import signals  # noqa: F401 - screening on partner saves
