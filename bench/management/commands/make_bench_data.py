"""python manage.py make_bench_data --scale city|province [--seed N]"""

from django.core.management.base import BaseCommand, CommandError

from bench.generator import NotABenchDatabase, generate
from bench.scales import SCALES


class Command(BaseCommand):
    help = "Fill an empty benchmark database with a deterministic synthetic year (city or province scale)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="city")
        parser.add_argument("--seed", type=int, default=2018)

    def handle(self, *args, scale, seed, **options):
        self.stdout.write(f"Generating the {scale} scale (seed {seed}) …")
        try:
            counts = generate(SCALES[scale], seed=seed, log=self.stdout.write)
        except NotABenchDatabase as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(", ".join(f"{k} {v:,}" for k, v in counts.items())))
