from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


class IntegrityConfig(AppConfig):
    name = "partnerships.integrity"
    verbose_name = "Database integrity triggers"

    def ready(self) -> None:
        from partnerships.integrity import triggers

        # Sent once per `migrate` (and `flush`), with this app as the sender.
        pre_migrate.connect(triggers.lift_for_migrate, sender=self)
        post_migrate.connect(triggers.reinstall_after_migrate, sender=self)
