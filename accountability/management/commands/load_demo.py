"""python manage.py load_demo — the 2018 Zhumadian scenario, idempotent."""

from django.core.management.base import BaseCommand
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from accountability.demo import build_supervision_demo
from accountability.demo_assessment import build_assessment_demo
from accountability.demo_cases import build_cases_demo
from accountability.demo_checks import build_checks_demo
from accountability.demo_coordination import build_coordination_demo
from accountability.demo_deliveries import build_delivery_demo
from accountability.demo_evaluations import build_evaluations_demo
from accountability.demo_feedback import build_feedback_demo
from accountability.demo_leader_digest import build_leader_digest_demo
from accountability.demo_province import build_province_demo
from accountability.demo_scoring import build_scoring_demo
from accounts.demo import build_accounts_demo
from core.access import RoleKind
from core.commands import in_site_language
from tasks.demo import DEMO_DATE, DEMO_PASSWORD, build_demo, build_proposals_demo
from tasks.demo.governance import apply_governance_demo
from tasks.models import Delegation, Role, User


class Command(BaseCommand):
    help = (
        "Load the 2018 Zhumadian demo (units, leaders, logins, targets, plans, reports, proposals, the notices the "
        "supervision office and the daily scan issued through the year, a month's scoring). Safe to run twice."
    )

    @in_site_language
    def handle(self, *args, **options):
        result = build_demo()
        build_proposals_demo()
        supervision = build_supervision_demo()
        build_scoring_demo()  # after everything that earns or costs points
        apply_governance_demo()
        build_accounts_demo(DEMO_PASSWORD)  # login log and a handed-over role
        build_feedback_demo()  # clues under the publication the scoring demo published
        build_checks_demo()  # the register of checks, after the notices their follow-ups name
        build_cases_demo()  # from the register's 查责任 check and a red warning
        build_assessment_demo()  # 2017 approved with 奖惩; the 2018 draft, held by the open appeal
        build_evaluations_demo()  # 常态问政: the deputy's and member's logins, Q2 published, Q3 open
        build_province_demo()  # 保位争先: 2018 bulletins (invented figures for the other cities)
        build_coordination_demo()  # a coordination with its decisions, and a request waiting
        build_leader_digest_demo()  # after the rest: the leaders' digests read what everything above made
        build_delivery_demo()  # last: each unit's work group posts to the receiver `make run` starts
        created = {"count": result["targets_created"]}
        self.stdout.write(self.style.SUCCESS(_("Demo ready: %(count)d targets created.") % created))
        self.stdout.write(
            _("Notices: %(notices)d task notices issued; the scan replayed on %(days)d days.")
            % {"notices": supervision["task_notices"], "days": supervision["scans"]}
        )
        self.stdout.write(
            _("Demo date: %(day)s (set ZMD_TODAY=%(day)s to live on it)") % {"day": f"{DEMO_DATE:%Y-%m-%d}"}
        )
        self.stdout.write(_("Logins, all with the password %(password)s:") % {"password": DEMO_PASSWORD})
        for heading, logins in demo_logins():
            self.stdout.write(f"  {heading}")
            for username, who in logins:
                self.stdout.write(f"    {username:<18} {who}")


def demo_logins() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every active login the demo made, grouped by role (a person with two roles shows under both):
    [(heading, [(username, display name and unit or post)])]."""
    roles = Role.objects.select_related("unit", "leader").order_by("unit__name", "leader__post", "pk")
    people = User.objects.filter(is_active=True).prefetch_related(
        Prefetch("roles", queryset=roles),
        Prefetch("delegations_held", queryset=Delegation.objects.filter(is_active=True)),
    )
    groups = {
        RoleKind.OFFICE: (_("Supervision office"), []),
        RoleKind.LEADER: (_("City leaders"), []),
        RoleKind.HEAD: (_("Unit heads"), []),
        RoleKind.STAFF: (_("Unit staff"), []),
        RoleKind.NPC_DEPUTY: (_("NPC deputies (evaluators)"), []),
        RoleKind.CPPCC_MEMBER: (_("CPPCC members (evaluators)"), []),
    }
    technical = (_("Technical administrator (the admin only)"), [])
    for person in people.order_by("username"):
        for role in person.roles.all():
            where = role.unit.name if role.unit else role.leader.post if role.leader else ""
            who = person.display_name
            if where and where not in who:
                who = f"{who}（{where}）"
            groups[role.kind][1].append((person.username, who))
        if person.delegations_held.all() and not person.roles.all():  # a secretary acts with the leaders
            groups[RoleKind.LEADER][1].append((person.username, person.display_name))
        if person.is_superuser and not person.roles.all():
            technical[1].append((person.username, person.display_name))
    return [group for group in (*groups.values(), technical) if group[1]]
