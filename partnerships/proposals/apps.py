from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "partnerships.proposals"
    verbose_name = "Partnership proposals"
