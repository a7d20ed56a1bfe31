"""python manage.py load_demo — the 2018 Zhumadian scenario, idempotent."""

from django.core.management.base import BaseCommand

from accountability.demo import build_supervision_demo
from accountability.demo_feedback import build_feedback_demo
from accountability.demo_scoring import build_scoring_demo
from accounts.demo import build_accounts_demo
from tasks.demo import DEMO_DATE, DEMO_LOGINS, DEMO_PASSWORD, build_demo, build_proposals_demo
from tasks.demo.governance import apply_governance_demo


class Command(BaseCommand):
    help = (
        "Load the 2018 Zhumadian demo (units, leaders, logins, targets, plans, reports, proposals, the notices the "
        "supervision office and the daily scan issued through the year, a month's scoring). Safe to run twice."
    )

    def handle(self, *args, **options):
        result = build_demo()
        build_proposals_demo()
        supervision = build_supervision_demo()
        build_scoring_demo()  # after everything that earns or costs points
        apply_governance_demo()
        build_accounts_demo(DEMO_PASSWORD)  # login log and a handed-over role
        build_feedback_demo()  # clues under the publication the scoring demo published
        self.stdout.write(self.style.SUCCESS(f"Demo ready: {result['targets_created']} targets created."))
        self.stdout.write(
            f"Notices: {supervision['task_notices']} task notices issued; "
            f"the scan replayed on {supervision['scans']} days."
        )
        self.stdout.write(f"Demo date: {DEMO_DATE:%Y-%m-%d} (set ZMD_TODAY={DEMO_DATE:%Y-%m-%d} to live on it)")
        self.stdout.write(f"Logins (password {DEMO_PASSWORD}):")
        for username, display_name in DEMO_LOGINS:
            self.stdout.write(f"  {username:<16} {display_name}")
