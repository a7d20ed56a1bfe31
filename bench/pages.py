"""Page measures: server time (in-process, through every middleware) and query count of the pages
people open most, each beside the raw SQL the page needs run alone and, for lists, Django admin's
changelist of the same model. Pages are read on ``TODAY`` with DEBUG off, as in production."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings

from accountability.choices import DisclosureStatus, NoticeKind
from accountability.models import Disclosure
from tasks.models import Leader, Unit, User

from .measure import Result, median_seconds, run_sql, slowest_query
from .scales import TODAY

PAGE_QUERY_LIMIT = 20
DASHBOARD_SQL_RATIO = 1.5
POINTS_LEDGER_SQL_RATIO = 3
# Issue 21: every page within 100 ms of server time where a province (or a region) is served.
PAGE_TIME_TARGET_MS = 100
TIME_TARGET_SCALES = ("province", "region")


@dataclass
class Page:
    name: str
    url: Callable[[], str]
    username: Callable[[], str]
    reference_sql: Callable[[], list[str]]
    admin_url: Callable[[], str] | None = None
    sql_ratio_target: float | None = None  # the page's time may be at most this many times its SQL's
    before_each: Callable[[], None] | None = None  # run ahead of every reading, untimed


def _something_changed() -> None:
    """A change elsewhere in the database (the count of changes moves; no figure does), as between
    two readings of a working day: the dashboard's figures kept under the count
    (tasks/services/change_counter.py) are computed again."""
    from tasks.models import ChangeCount

    ChangeCount.objects.create(n=1)


def busiest_unit() -> Unit:
    return Unit.objects.annotate(n=Count("assignments")).order_by("-n", "pk").first()


def _staff_of(unit: Unit) -> str:
    return User.objects.filter(roles__unit=unit, roles__kind="staff").values_list("username", flat=True).first()


def _leader() -> str:
    return User.objects.filter(roles__kind="leader").order_by("pk").values_list("username", flat=True).first()


def _leader_post() -> int:
    return User.objects.get(username=_leader()).roles.filter(kind="leader").values_list("leader_id", flat=True)[0]


OPEN = "('issued','signed','in_progress','rectifying','returned')"
# The end of TODAY in the site's time zone: what happened before it counts for the day.
MOMENT = f"'{TODAY + dt.timedelta(days=1)} 00:00:00+08'"
DAY = f"'{TODAY.isoformat()}'"


def _kept_judged_sql(assignments: str, *, day: str = DAY, moment: str = MOMENT, live: str = "TRUE") -> str:
    """The judgment of ``assignments`` (a subquery of id, unit_id, target_id, status, deadline,
    closed_at) on TODAY, by the rules of tasks/judgment/state.py, as the pages read it: the facts kept
    for the day (``AssignmentDayJudgment``, tasks/services/kept_judgments.py) at the unit's figures
    version, the rule applied to them; the assignment's own status counts on today only (``live``).
    ``day``, ``moment`` and ``live`` may name columns of ``assignments``: one row per day."""
    return f"""
    SELECT s.*, k.planned, k.actual, k.level,
      ({live} AND s.status IN ('verified', 'closed', 'claimed'))
        OR (s.closed_at IS NOT NULL AND s.closed_at < {moment}) OR k.claimed AS finished
    FROM ({assignments}) s
    JOIN tasks_assignmentdayjudgment k ON k.assignment_id = s.id AND k.day = {day}
    LEFT JOIN tasks_unitfiguresstamp fs ON fs.unit_id = s.unit_id
    WHERE k.version = COALESCE(fs.version, 0)"""


def _scope_sql(leader: int) -> tuple[str, str]:
    """A leader's scope (我分管的, tasks/selectors/scope.py) as two conditions: on a target ``t`` (the
    leader's own targets and their fields' targets) and on an assignment ``a`` (their units')."""
    in_scope = (
        f"(t.leader_id = {leader} OR EXISTS (SELECT 1 FROM tasks_target_fields tf JOIN tasks_leader_fields lf "
        f"ON lf.field_id = tf.field_id WHERE tf.target_id = t.id AND lf.leader_id = {leader}))"
    )
    unit_led = f"EXISTS (SELECT 1 FROM tasks_leader_units lu WHERE lu.unit_id = a.unit_id AND lu.leader_id = {leader})"
    return in_scope, unit_led


def _scope_ids_sql(leader: int) -> str:
    """The ids of a leader's scope found as the pages find them (a union of index probes by path,
    tasks/selectors/scope.py), for their kept facts: an OR over the paths per row would read every
    assignment and kept row."""
    return (
        f"SELECT a.id FROM tasks_assignment a JOIN tasks_target t ON t.id = a.target_id WHERE t.leader_id = {leader} "
        "UNION SELECT a.id FROM tasks_assignment a JOIN tasks_target_fields tf ON tf.target_id = a.target_id "
        f"JOIN tasks_leader_fields lf ON lf.field_id = tf.field_id WHERE lf.leader_id = {leader} "
        "UNION SELECT a.id FROM tasks_assignment a JOIN tasks_leader_units lu ON lu.unit_id = a.unit_id "
        f"WHERE lu.leader_id = {leader}"
    )


def _dashboard_sql() -> list[str]:
    """Every figure the leader dashboard shows, for the measured leader's scope (我分管的), in the
    fewest plain statements over the same kept tables: (1) the judgment of the scope's assignments
    grouped by unit (the completion table, the colour counts) with the 15 furthest behind; (2) the
    scope's targets by source and type with "my targets" (the 21 worst, their figures); (3) the
    weekly trend's kept days; (4) the five lists' counts; (5) the score ranking from the kept
    points by month and completion by day, with the grade bands; (6) the province bulletin.
    The page keeps (1)'s figures in the cache per facts read (tasks/selectors/ranked_units.py) and
    reads a digest of those facts instead; SQL alone has no such cache, so (1) still judges them."""
    leader = _leader_post()
    in_scope, _unit_led = _scope_sql(leader)
    scope_assignments = (
        "SELECT a.id, a.unit_id, a.target_id, a.status, a.deadline, a.closed_at FROM sa "
        "JOIN tasks_assignment a ON a.id = sa.id "
        f"JOIN tasks_target t ON t.id = a.target_id WHERE t.year = {TODAY.year} AND a.status <> 'draft' "
        f"AND a.issued_at < {MOMENT}"
    )
    behind = f"NOT j.finished AND (j.level > 0 OR j.deadline < {DAY})"
    units_and_lagging = f"""
    WITH sa AS MATERIALIZED ({_scope_ids_sql(leader)}),
    j AS MATERIALIZED ({_kept_judged_sql(scope_assignments)})
    SELECT
      (SELECT json_agg(u) FROM (
         SELECT j.unit_id, un.name, un.kind, COUNT(*) AS assignments, ROUND(AVG(j.actual), 1) AS completion,
                ROUND(AVG(j.planned), 1) AS planned, COUNT(*) FILTER (WHERE {behind}) AS behind,
                COUNT(*) FILTER (WHERE NOT j.finished AND j.level = 0) AS green,
                COUNT(*) FILTER (WHERE NOT j.finished AND j.level = 1) AS yellow,
                COUNT(*) FILTER (WHERE NOT j.finished AND j.level = 2) AS orange,
                COUNT(*) FILTER (WHERE NOT j.finished AND j.level = 3) AS red
         FROM j JOIN tasks_unit un ON un.id = j.unit_id GROUP BY j.unit_id, un.name, un.kind, un.sort_order
         ORDER BY completion DESC, un.sort_order) u),
      (SELECT json_agg(l) FROM (
         SELECT j.id, t.code, t.title, un.name, j.actual, j.planned, j.level, j.deadline FROM j
         JOIN tasks_target t ON t.id = j.target_id JOIN tasks_unit un ON un.id = j.unit_id WHERE {behind}
         ORDER BY j.level DESC, LEAST(j.deadline, {DAY}), j.actual - j.planned, j.id LIMIT 15) l)"""
    scope_targets = (
        f"SELECT t.* FROM tasks_target t WHERE t.year = {TODAY.year} AND t.status <> 'draft' AND ({in_scope} OR "
        "EXISTS (SELECT 1 FROM tasks_assignment a JOIN tasks_leader_units lu ON lu.unit_id = a.unit_id "
        f"WHERE a.target_id = t.id AND lu.leader_id = {leader}))"
    )
    worst = (
        f"(SELECT MAX(n.level) FROM tasks_assignment a JOIN accountability_notice n ON n.assignment_id = a.id "
        f"WHERE a.target_id = st.id AND a.status IN {OPEN} AND n.kind = 'warning' AND n.issued_at < {MOMENT} "
        f"AND n.status NOT IN ('proposed', 'dismissed') "
        f"AND (n.closed_at >= {MOMENT} OR (n.closed_at IS NULL AND n.status <> 'closed')))"
    )
    links_of_mine = (
        "SELECT a.id, a.unit_id, a.target_id, a.status, a.deadline, a.closed_at FROM tasks_assignment a "
        "WHERE a.target_id IN (SELECT id FROM mine)"
    )
    targets_and_mine = f"""
    WITH st AS MATERIALIZED ({scope_targets}),
    mine AS MATERIALIZED (
      SELECT st.id, st.code, st.title, st.deadline, {worst} AS worst,
        (SELECT un.name FROM tasks_assignment a JOIN tasks_unit un ON un.id = a.unit_id
         WHERE a.target_id = st.id AND a.role = 'lead' LIMIT 1) AS lead_unit,
        (SELECT COUNT(*) FROM tasks_assignment a WHERE a.target_id = st.id) AS units
      FROM st ORDER BY worst DESC NULLS LAST, st.code LIMIT 21),
    j AS ({_kept_judged_sql(links_of_mine)})
    SELECT
      (SELECT json_agg(m) FROM (SELECT source, target_type, COUNT(*) FROM st GROUP BY source, target_type) m),
      (SELECT json_agg(x) FROM (
         SELECT mine.*, ROUND(AVG(j.actual), 1) AS actual, ROUND(AVG(j.planned), 1) AS planned,
                MAX(j.level) FILTER (WHERE NOT j.finished) AS level, COUNT(*) FILTER (WHERE {behind}) AS behind
         FROM mine JOIN j ON j.target_id = mine.id
         GROUP BY mine.id, mine.code, mine.title, mine.deadline, mine.worst, mine.lead_unit, mine.units) x)"""
    # The five lists' counts as the page reads them: three grouped parts of the kept tally.
    notices = (
        "SELECT 'open', level::text, '', SUM(n) FROM accountability_noticetally WHERE kind = 'warning' "
        "AND status IN ('issued','signed','answered') GROUP BY level UNION ALL "
        "SELECT 'waiting', status, kind, SUM(n) FROM accountability_noticetally "
        "WHERE status IN ('issued','signed','answered') "
        f"AND kind IN ({', '.join(repr(kind) for kind in NoticeKind.values)}) GROUP BY status, kind UNION ALL "
        "SELECT 'issued', kind, is_published::text, SUM(n) FROM accountability_noticetally "
        f"WHERE year = {TODAY.year} AND issued AND status <> 'withdrawn' GROUP BY kind, is_published"
    )
    province = (
        "SELECT DISTINCT ON (f.indicator_id) f.indicator_id, i.name, f.month, f.rank "
        "FROM accountability_provincefigure f "
        "JOIN accountability_provincecity c ON c.id = f.city_id JOIN accountability_provinceindicator i "
        "ON i.id = f.indicator_id WHERE c.is_home ORDER BY f.indicator_id, f.month DESC"
    )
    return [
        units_and_lagging,
        targets_and_mine,
        f"SELECT day, planned_increase, actual_increase FROM tasks_yearprogressday WHERE year = {TODAY.year}",
        notices,
        _kept_ranking_sql(),
        province,
    ]


def _kept_ranking_sql() -> str:
    """The score ranking as the pages read it: every active unit with its points of the year from
    the kept month sums, its kept completion today and at last month's end (rank and rank change),
    and the grade bands."""
    last_month_end = TODAY.replace(day=1) - dt.timedelta(days=1)
    return f"""
    SELECT u.id, u.name, u.kind, u.sort_order, COALESCE(p.total, 0), COALESCE(p.deductions, 0), p.months,
           now.assignments, now.actual_total, before.assignments, before.actual_total,
           (SELECT json_agg(b) FROM (SELECT grade, min_score FROM accountability_gradeband ORDER BY min_score DESC) b)
    FROM tasks_unit u
    LEFT JOIN (SELECT unit_id, SUM(total) AS total, SUM(deductions) AS deductions,
                      json_agg(json_build_array(month, total) ORDER BY month) AS months
               FROM accountability_unitmonthpoints WHERE month BETWEEN '{TODAY.year}-01-01' AND {DAY}
               GROUP BY unit_id) p ON p.unit_id = u.id
    LEFT JOIN tasks_unitdaycompletion now ON now.unit_id = u.id AND now.day = {DAY}
    LEFT JOIN tasks_unitdaycompletion before ON before.unit_id = u.id AND before.day = '{last_month_end}'
    WHERE u.is_active ORDER BY 5 DESC, u.sort_order"""


def _battle_map_sql() -> list[str]:
    """What the battle map (挂图作战, by target, the leader's scope) shows: the scope's targets'
    count (the pager) and its page of 25 with their leaders; the judgment of the page's targets'
    assignments in scope at each month end so far from the kept facts, as the page reads them (the
    cells: count, plan, actual, worst warning in force; the last is today's, the 当前 column); the
    plan of the months ahead from the milestones of the same assignments."""
    leader = _leader_post()
    in_scope, unit_led = _scope_sql(leader)
    scope_targets = (
        f"FROM tasks_target t WHERE t.year = {TODAY.year} AND t.status <> 'draft' AND ({in_scope} OR EXISTS "
        f"(SELECT 1 FROM tasks_assignment a WHERE a.target_id = t.id AND {unit_led}))"
    )
    ends = [dt.date(TODAY.year, month + 1, 1) - dt.timedelta(days=1) for month in range(1, TODAY.month)] + [TODAY]
    days = ", ".join(
        f"('{day}'::date, '{day + dt.timedelta(days=1)} 00:00:00+08'::timestamptz, {day == TODAY})" for day in ends
    )
    page = f"SELECT t.id {scope_targets} ORDER BY t.code LIMIT 25"
    with_leader = scope_targets.replace(
        "FROM tasks_target t", "FROM tasks_target t LEFT JOIN tasks_leader l ON l.id = t.leader_id"
    )
    page_assignments = (
        "SELECT a.id, a.unit_id, a.target_id, a.status, a.deadline, a.closed_at FROM tasks_assignment a "
        "JOIN tasks_target t ON t.id = a.target_id "
        f"WHERE a.target_id IN (SELECT id FROM page) AND a.status <> 'draft' AND ({in_scope} OR {unit_led})"
    )
    cells = f"""
    WITH page AS MATERIALIZED ({page}),
    pa AS MATERIALIZED ({page_assignments}),
    j AS ({
        _kept_judged_sql(
            "SELECT pa.*, d.day, d.moment, d.live FROM pa JOIN tasks_assignment a ON a.id = pa.id "
            f"CROSS JOIN (VALUES {days}) d(day, moment, live) WHERE a.issued_at < d.moment",
            day="s.day",
            moment="s.moment",
            live="s.live",
        )
    })
    SELECT target_id, day, COUNT(*), ROUND(AVG(planned), 1), ROUND(AVG(actual), 1),
           COALESCE(MAX(level) FILTER (WHERE NOT finished), 0)
    FROM j GROUP BY target_id, day ORDER BY target_id, day"""
    return [
        f"SELECT COUNT(*) {scope_targets}",
        f"SELECT t.id, t.code, t.title, t.deadline, l.post {with_leader} ORDER BY t.code LIMIT 25",
        cells,
        "SELECT a.target_id, date_trunc('month', m.due_date), SUM(m.planned_percent) FROM tasks_milestone m "
        f"JOIN tasks_assignment a ON a.id = m.assignment_id JOIN tasks_target t ON t.id = a.target_id "
        f"WHERE a.target_id IN ({page}) AND a.status <> 'draft' AND ({in_scope} OR {unit_led}) GROUP BY 1, 2",
    ]


def _pack_leader() -> int:
    """The leader post the meeting pack opens on for the measured leader (their first by order)."""
    user = User.objects.get(username=_leader())
    return (
        Leader.objects.filter(pk__in=user.roles.filter(kind="leader").values("leader_id"))
        .order_by("sort_order", "post")
        .values_list("pk", flat=True)[0]
    )


def _meeting_pack_sql() -> list[str]:
    """What the meeting pack (推进例会, the leader's scope, today) shows: the leader posts of the form;
    the lagging assignments (the judgment on the day from the kept facts, as the page reads them:
    behind, with target and unit, the highest warning first); the reported problems without an
    office follow-up; the instructions some unit still owes an answer to, with those units; the
    decisions of the leader's meetings."""
    leader = _pack_leader()
    in_scope, unit_led = _scope_sql(leader)
    scope_ids = _scope_ids_sql(leader)
    scope_assignments = (
        "SELECT a.id, a.unit_id, a.target_id, a.status, a.deadline, a.closed_at FROM sa "
        "JOIN tasks_assignment a ON a.id = sa.id "
        f"JOIN tasks_target t ON t.id = a.target_id WHERE t.year = {TODAY.year} AND t.status <> 'draft' "
        f"AND a.issued_at < {MOMENT}"
    )
    lagging = f"""
    WITH sa AS MATERIALIZED ({scope_ids}),
    j AS MATERIALIZED ({_kept_judged_sql(scope_assignments)})
    SELECT j.id, t.code, t.title, un.name, j.planned, j.actual, j.planned - j.actual AS lag, j.level,
           GREATEST({DAY}::date - j.deadline, 0) AS days_late
    FROM j JOIN tasks_target t ON t.id = j.target_id JOIN tasks_unit un ON un.id = j.unit_id
    WHERE NOT j.finished AND (j.level > 0 OR j.deadline < {DAY})
    ORDER BY j.level DESC, days_late DESC, lag DESC, t.code, un.sort_order"""
    problems = f"""
    SELECT r.id, r.period, r.problems, t.code, t.title, un.name FROM tasks_progressreport r
    JOIN tasks_assignment a ON a.id = r.assignment_id JOIN tasks_target t ON t.id = a.target_id
    JOIN tasks_unit un ON un.id = a.unit_id
    WHERE t.year = {TODAY.year} AND r.status IN ('submitted', 'accepted') AND r.submitted_at < {MOMENT}
      AND r.problems <> '' AND ({in_scope} OR {unit_led})
      AND NOT EXISTS (SELECT 1 FROM tasks_followup f WHERE f.report_id = r.id AND f.kind = 'office'
                      AND f.topic = 'problem' AND f.created_at < {MOMENT})
    ORDER BY r.period_end DESC, t.code"""
    instructions = f"""
    SELECT i.id, i.due_date, t.code, json_agg(json_build_array(un.id, un.name) ORDER BY un.sort_order, un.id)
    FROM accountability_instruction i JOIN tasks_target t ON t.id = i.target_id
    JOIN accountability_instruction_units iu ON iu.instruction_id = i.id JOIN tasks_unit un ON un.id = iu.unit_id
    WHERE t.year = {TODAY.year} AND i.created_at < {MOMENT}
      AND ({in_scope} OR EXISTS (SELECT 1 FROM tasks_assignment a WHERE a.target_id = t.id AND {unit_led})
           OR i.author_id IN (SELECT user_id FROM tasks_role WHERE leader_id = {leader}))
      AND NOT EXISTS (SELECT 1 FROM accountability_instructionanswer ans WHERE ans.instruction_id = i.id
                      AND ans.unit_id = iu.unit_id AND ans.answered_on <= {DAY})
    GROUP BY i.id, i.due_date, t.code, i.created_at ORDER BY i.due_date, i.created_at DESC"""
    decisions = f"""
    SELECT d.id, d.text, d.deadline, d.closed_on, un.name FROM accountability_decisionitem d
    JOIN accountability_coordination c ON c.id = d.coordination_id JOIN tasks_unit un ON un.id = d.owner_id
    WHERE d.created_at < {MOMENT} AND EXTRACT(YEAR FROM d.created_at AT TIME ZONE 'Asia/Shanghai') = {TODAY.year}
      AND c.leader_id = {leader} ORDER BY d.deadline, d.id"""
    user = User.objects.get(username=_leader()).pk
    posts = (
        f"SELECT l.id, l.post FROM tasks_leader l WHERE l.id IN "
        f"(SELECT leader_id FROM tasks_role WHERE user_id = {user} AND kind = 'leader') ORDER BY l.sort_order, l.post"
    )
    return [posts, lagging, problems, instructions, decisions]


def _staff_sql() -> list[str]:
    unit = busiest_unit().pk
    return [
        f"SELECT COUNT(*) FROM tasks_assignment WHERE unit_id = {unit} AND status IN "
        "('issued','signed','in_progress','rectifying','returned')",
        "SELECT a.id, t.code, t.title, a.deadline, a.progress_percent, a.planned_percent, a.warning_level, "
        "(SELECT MIN(m.due_date) FROM tasks_milestone m WHERE m.assignment_id = a.id AND m.due_date >= '2018-09-30') "
        "FROM tasks_assignment a JOIN tasks_target t ON t.id = a.target_id "
        f"WHERE a.unit_id = {unit} AND a.status IN ('issued','signed','in_progress','rectifying','returned') "
        "ORDER BY a.warning_level DESC, a.deadline, t.code LIMIT 25",
    ]


def _ledger_sql() -> list[str]:
    return [
        "SELECT COUNT(*) FROM tasks_target",
        "SELECT t.id, t.code, t.title, t.deadline, COUNT(a.id), AVG(a.progress_percent), AVG(a.planned_percent), "
        "MAX(a.warning_level), MAX(CASE WHEN a.role = 'lead' THEN u.name END) FROM tasks_target t "
        "LEFT JOIN tasks_assignment a ON a.target_id = t.id LEFT JOIN tasks_unit u ON u.id = a.unit_id "
        "GROUP BY t.id ORDER BY t.year DESC, t.code LIMIT 25",
    ]


def _ranking_sql() -> list[str]:
    """Both groups' ranking with each unit's month-end trend, from the kept tables (one statement)."""
    return [_kept_ranking_sql()]


def _header_sql(username: str) -> str:
    """The figures every signed-in page's header shows: the reader's roles (with their unit or
    leader post) and the unread inbox badge (messages of notices still open)."""
    user = User.objects.get(username=username).pk
    return f"""
    SELECT (SELECT json_agg(json_build_array(r.kind, un.name, l.post)) FROM tasks_role r
            LEFT JOIN tasks_unit un ON un.id = r.unit_id LEFT JOIN tasks_leader l ON l.id = r.leader_id
            WHERE r.user_id = {user}),
           (SELECT COUNT(*) FROM accountability_inboxmessage m LEFT JOIN accountability_notice n ON n.id = m.notice_id
            WHERE m.recipient_id = {user} AND m.read_at IS NULL
              AND (m.notice_id IS NULL OR n.status NOT IN ('closed', 'withdrawn', 'dismissed')))"""


def _unit_ledger_sql() -> list[str]:
    """What the points ledger shows: the unit's rank, score, grade and trend (the ranking from the
    kept tables) and the base the score starts from; its entries' count and the page of 25 with
    what each line names (the entry it reverses, its notice, report or proposal, its reversal and
    appeal), its quarters; the header's roles and inbox badge."""
    unit = busiest_unit().pk
    window = f"occurred_on BETWEEN '{TODAY.year}-01-01' AND '{TODAY.isoformat()}'"
    return [
        _kept_ranking_sql(),
        f"SELECT COUNT(*), SUM(amount), (SELECT amount FROM accountability_scorerule WHERE code = 'base') "
        f"FROM accountability_scoreentry WHERE unit_id = {unit} AND {window}",
        "SELECT e.id, e.occurred_on, e.amount, e.reason, r.code, t.code, t.title, "
        "(SELECT x.id FROM accountability_scoreentry x WHERE x.reverses_id = e.id), "
        "(SELECT x.occurred_on FROM accountability_scoreentry x WHERE x.id = e.reverses_id), "
        "(SELECT a.id || ' ' || a.status FROM accountability_appeal a WHERE a.entry_id = e.id), "
        "(SELECT n.number FROM accountability_notice n WHERE n.id = e.notice_id AND n.status <> 'withdrawn'), "
        "(SELECT p.period FROM tasks_progressreport p WHERE p.id = e.report_id), "
        "(SELECT p.number || ' ' || x.round FROM tasks_proposalreply x JOIN tasks_proposal p ON p.id = x.proposal_id "
        "WHERE x.id = e.proposal_reply_id) "
        "FROM accountability_scoreentry e "
        "JOIN accountability_scorerule r ON r.id = e.rule_id LEFT JOIN tasks_target t ON t.id = e.target_id "
        f"WHERE e.unit_id = {unit} AND e.{window} ORDER BY e.occurred_on DESC, e.id DESC LIMIT 25",
        f"SELECT date_trunc('quarter', occurred_on), SUM(amount) FROM accountability_scoreentry "
        f"WHERE unit_id = {unit} AND {window} GROUP BY 1",
        _header_sql(_staff_of(busiest_unit())),
    ]


def published_disclosure() -> int:
    return Disclosure.objects.filter(status=DisclosureStatus.PUBLISHED).order_by("-pk").values_list("pk", flat=True)[0]


def _disclosure_sql() -> list[str]:
    return [
        f"SELECT title, period_label, as_of, data FROM accountability_disclosure WHERE id = {published_disclosure()}"
    ]


PAGES = [
    Page("leader dashboard", lambda: "/dashboard/", _leader, _dashboard_sql, sql_ratio_target=DASHBOARD_SQL_RATIO),
    Page(
        "leader dashboard after a change elsewhere",
        lambda: "/dashboard/",
        _leader,
        _dashboard_sql,
        before_each=_something_changed,
    ),
    Page("battle map", lambda: "/dashboard/battle-map/", _leader, _battle_map_sql),
    Page("meeting pack", lambda: "/meetings/pack/", _leader, _meeting_pack_sql),
    Page(
        "staff workspace list",
        lambda: "/unit/",
        lambda: _staff_of(busiest_unit()),
        _staff_sql,
        lambda: f"/admin/tasks/assignment/?unit__id__exact={busiest_unit().pk}",
    ),
    Page(
        "office ledger list", lambda: "/targets/", lambda: "bench_office", _ledger_sql, lambda: "/admin/tasks/target/"
    ),
    Page("unit ranking", lambda: "/scores/", _leader, _ranking_sql),
    Page(
        "unit points ledger",
        lambda: f"/scores/units/{busiest_unit().pk}/",
        lambda: _staff_of(busiest_unit()),
        _unit_ledger_sql,
        lambda: f"/admin/accountability/scoreentry/?unit__id__exact={busiest_unit().pk}",
        sql_ratio_target=POINTS_LEDGER_SQL_RATIO,
    ),
    Page("public disclosure", lambda: f"/public/{published_disclosure()}/", lambda: "", _disclosure_sql),
]


def _getter(username: str, url: str) -> Callable[[], None]:
    client = Client()
    if username:  # else the public, not logged in
        client.force_login(User.objects.get(username=username))

    def get() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"{url} answered {response.status_code} for {username}")

    return get


def measure_pages(scale: str, pages: list[Page] | None = None, *, repeat: int = 7) -> list[Result]:
    results = []
    with override_settings(ZMD_TODAY=TODAY, DEBUG=False), warnings.catch_warnings():
        # WhiteNoise looks for collected static files; pages are measured without them.
        warnings.filterwarnings("ignore", message="No directory at")
        for page in pages or PAGES:
            results += _measure_page(page, scale, repeat)
    return results


def _measure_page(page: Page, scale: str, repeat: int) -> list[Result]:
    url = page.url()
    get = _getter(page.username(), url)
    seconds = median_seconds(get, repeat=repeat, warmup=min(2, repeat), before=page.before_each)
    if page.before_each:
        page.before_each()
    queries, slowest = slowest_query(get)
    reference = median_seconds(run_sql(page.reference_sql()), repeat=repeat, warmup=min(2, repeat))
    target = f"≤ {page.sql_ratio_target}× SQL" if page.sql_ratio_target else ""
    timed = Result(
        f"{page.name}: server time", scale, round(seconds * 1000, 1), "ms", "raw SQL alone", round(reference * 1000, 1)
    )
    if page.sql_ratio_target:
        timed.target, timed.met = target, timed.ratio is not None and timed.ratio <= page.sql_ratio_target
    results = [timed]
    if scale in TIME_TARGET_SCALES:
        # Its own line: the server-time line keeps its reference (the SQL) and any target against it.
        results.append(
            Result(
                f"{page.name}: server time at {scale} scale",
                scale,
                timed.value,
                "ms",
                target=f"≤ {PAGE_TIME_TARGET_MS} ms",
                met=timed.value <= PAGE_TIME_TARGET_MS,
            )
        )
    results += [
        Result(
            f"{page.name}: queries",
            scale,
            queries,
            "queries",
            target=f"≤ {PAGE_QUERY_LIMIT}",
            met=queries <= PAGE_QUERY_LIMIT,
            note=slowest,
        ),
    ]
    if page.admin_url:
        admin = median_seconds(_getter("bench_office", page.admin_url()), repeat=repeat, warmup=min(2, repeat))
        results.append(
            Result(
                f"{page.name}: server time vs admin",
                scale,
                round(seconds * 1000, 1),
                "ms",
                "Django admin changelist",
                round(admin * 1000, 1),
            )
        )
    return results
