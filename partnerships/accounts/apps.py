from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "partnerships.accounts"
    verbose_name = "Agencies and users"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from partnerships.accounts.roles import ensure_role_groups

        # After every app's migration, since each app's permissions appear only then.
        post_migrate.connect(ensure_role_groups, dispatch_uid="ensure_role_groups")
