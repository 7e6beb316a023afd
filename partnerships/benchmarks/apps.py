from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """Commands that build a portfolio at scale and measure the pages against it."""

    name = "partnerships.benchmarks"
    verbose_name = "Benchmarks"
