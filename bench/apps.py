from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmarks: a synthetic city-year and province-year and the measures taken on them."""

    name = "bench"
    verbose_name = "Benchmarks"
