"""python manage.py send_leader_digests [--day YYYY-MM-DD] — the leaders' digests due on a day."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from core import clock
from core.commands import in_site_language

from .run_supervision_scan import _day


class Command(BaseCommand):
    help = (
        "Send the leaders' digests (领导摘要) due on a day (default today), as the morning job does: each leader "
        "who chose a daily digest, or a weekly one on that weekday, and has none of that day yet. An empty daily "
        "digest is not sent. Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--day", type=_day, default=None, help="the digests of this day (YYYY-MM-DD)")

    @in_site_language
    def handle(self, *args, day=None, **options):
        from accountability.services.leader_digest import send_leader_digests

        day = day or clock.today()
        result = send_leader_digests(day)
        self.stdout.write(
            _("Leaders' digests of %(day)s: %(sent)d sent, %(skipped)d empty or already sent.")
            % {"day": f"{day:%Y-%m-%d}", **result}
        )
