"""Delivery: inbox entries for the people of a unit (or the office) and the emails that carry them.

Inbox entries are written in the transaction that issues the notice, so the inbox never misses one
even when the broker is down. Emails go out after commit through a Celery job that takes message
ids and claims each message with a compare-and-set before sending it: a retry or a second job never
sends the same message twice. Messages still waiting after a while (the broker was down when they
were made) are picked up again by the daily scan.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core import clock
from core.access import RoleKind
from core.bulk_history import insert_rows
from core.id_lists import AnyOf, any_of_sql
from tasks.choices import AssignmentRole
from tasks.models import Role, Target, User

from ..choices import EmailStatus, MessageKind
from ..models import DecisionItem, InboxMessage, Notice
from .notice_texts import day_text

logger = logging.getLogger(__name__)

EMAIL_BATCH = 200
# A message still unsent after this long was never handed to a worker (or its worker died).
STALE_AFTER = dt.timedelta(minutes=10)
CLAIM_EXPIRES_AFTER = dt.timedelta(hours=1)


def _unit_recipients():
    """Who hears what comes to a unit: its active staff and heads (the one rule every delivery reads)."""
    return Role.objects.filter(kind__in=[RoleKind.STAFF, RoleKind.HEAD], user__is_active=True)


def unit_people(unit_ids: Iterable[int]) -> dict[int, dict[int, str]]:
    """Staff and heads of each unit: {unit id: {user id: email}}."""
    people: dict[int, dict[int, str]] = defaultdict(dict)
    rows = _unit_recipients().filter(unit_id__in=set(unit_ids)).values_list("unit_id", "user_id", "user__email")
    for unit_id, user_id, email in rows:
        people[unit_id][user_id] = email or ""
    return people


def office_people() -> dict[int, str]:
    rows = Role.objects.filter(kind=RoleKind.OFFICE, user__is_active=True).values_list("user_id", "user__email")
    return {user_id: email or "" for user_id, email in rows}


def _message(recipient_id: int, email: str, **fields) -> InboxMessage:
    return InboxMessage(
        recipient_id=recipient_id,
        day=clock.today(),
        created_at=clock.now(),
        email_status=EmailStatus.PENDING if email else EmailStatus.NO_ADDRESS,
        **fields,
    )


def deliver_to_units(notices: list[Notice]) -> list[int]:
    """An inbox entry for every staff member and head of each notice's unit (inside the issuing
    transaction); returns their ids.

    One ``INSERT … SELECT`` from the saved notices: subject and summary are made of the notice's
    columns, so nothing is built per message in Python (a province night delivers thousands)."""
    if not notices:
        return []
    ids = [notice.pk for notice in notices]
    notice_table, message_table = _table(Notice), _table(InboxMessage)
    target, decision = _table(Target), _table(DecisionItem)
    with translation.override(settings.LANGUAGE_CODE):
        meeting_decision = str(_("Meeting decision"))
    among, ids_params = any_of_sql("n.id", ids)
    # The people of the notices' units, by the rule ``unit_people`` reads, compiled into the statement.
    people, people_params = (
        _unit_recipients()
        .filter(unit_id__in=Notice._base_manager.filter(AnyOf("pk", ids)).values("unit_id"))
        .order_by()
        .values("unit_id", "user_id", email=Coalesce("user__email", Value("")))
        .distinct()
        .query.sql_with_params()
    )
    statement = f"""
        INSERT INTO {message_table} ({", ".join(_MESSAGE_COLUMNS)})
        SELECT people.user_id, %s, n.id, %s,
               SUBSTR(n.number || ' ' || n.title || '：' || CASE
                   WHEN n.target_id IS NOT NULL THEN t.title
                   WHEN n.decision_item_id IS NOT NULL THEN %s || '：' || SUBSTR(d.text, 1, 60)
                   ELSE '' END, 1, 200),
               n.body || CASE WHEN n.required_action <> '' THEN %s || n.required_action ELSE '' END,
               %s, CASE WHEN people.email <> '' THEN %s ELSE %s END
        FROM {notice_table} n
        JOIN ({people}) people ON people.unit_id = n.unit_id
        LEFT JOIN {target} t ON t.id = n.target_id
        LEFT JOIN {decision} d ON d.id = n.decision_item_id
        WHERE {among}
        ORDER BY n.id, people.user_id
        RETURNING id"""
    params = [NOTICE, clock.today(), meeting_decision, "\n", clock.now(), PENDING, NO_ADDRESS]
    params += [*people_params, *ids_params]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        message_ids = sorted(pk for (pk,) in cursor.fetchall())
    send_after_commit(message_ids)  # every one: a person without an email address may still have a work group
    return message_ids


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# The columns of a message written as a plain row; the rest (read, claimed, emailed) start empty.
_MESSAGE_COLUMNS = ("recipient_id", "kind", "notice_id", "day", "subject", "body", "created_at", "email_status")


NOTICE, DIGEST = str(MessageKind.NOTICE), str(MessageKind.DIGEST)
PENDING, NO_ADDRESS = str(EmailStatus.PENDING), str(EmailStatus.NO_ADDRESS)


def _email_status(email: str) -> str:
    return PENDING if email else NO_ADDRESS


def _insert_and_send(rows: list[tuple]) -> list[int]:
    """Insert messages given as rows of ``_MESSAGE_COLUMNS`` in one go (``COPY`` on PostgreSQL);
    their emails and channel posts leave after commit. Returns the new ids in order."""
    if not rows:
        return []
    ids = insert_rows(InboxMessage, _MESSAGE_COLUMNS, rows, stamp=None, history=False)
    send_after_commit(ids)  # every one: a person without an email address may still have a work group
    return ids


def ask_office_to_approve(notices: list[Notice]) -> list[InboxMessage]:
    """Exposure candidates go to everyone in the office for a decision."""
    office = office_people()
    with translation.override(settings.LANGUAGE_CODE):
        messages = [
            _message(
                user_id,
                email,
                kind=MessageKind.APPROVAL,
                notice=notice,
                subject=(
                    _("Exposure candidate: %(unit)s, %(target)s") % {"unit": notice.unit, "target": notice.target.title}
                )[:200],
                body=notice.body,
            )
            for notice in notices
            for user_id, email in office.items()
        ]
    return _save_and_send(messages)


def deliver_instruction(instruction) -> list[InboxMessage]:
    """Each addressed unit's staff and heads (and the office, if it is addressed) get the 批示 in
    their inbox, with the date it must be answered by and the page to answer on."""
    people: dict[int, str] = {}
    for unit_people_of in unit_people(instruction.units.values_list("pk", flat=True)).values():
        people.update(unit_people_of)
    if instruction.to_office:
        people.update(office_people())
    link = settings.ZMD_SITE_URL + reverse("instructions:detail", args=[instruction.pk])
    with translation.override(settings.LANGUAGE_CODE):
        subject = (
            _("Instruction of %(leader)s on %(target)s")
            % {"leader": instruction.author, "target": instruction.target.title}
        )[:200]
        body = "\n".join(
            [instruction.text, _("Answer by %(day)s: %(link)s") % {"day": day_text(instruction.due_date), "link": link}]
        )
        messages = [
            _message(user_id, email, kind=MessageKind.INSTRUCTION, subject=subject, body=body)
            for user_id, email in sorted(people.items())
        ]
    return _save_and_send(messages)


def deliver_evaluation_sheets(round_, user_ids) -> list[InboxMessage]:
    """常态问政: each evaluator with a login is asked to fill their sheet in the round."""
    emails = dict(User.objects.filter(pk__in=list(user_ids), is_active=True).values_list("pk", "email"))
    link = settings.ZMD_SITE_URL + reverse("evaluations:detail", args=[round_.pk])
    with translation.override(settings.LANGUAGE_CODE):
        subject = (_("Please fill in your evaluation sheet: %(round)s") % {"round": round_.name})[:200]
        body = _("Rate the progress and effect of each unit for %(start)s to %(end)s: %(link)s") % {
            "start": day_text(round_.period_start),
            "end": day_text(round_.period_end),
            "link": link,
        }
        messages = [
            _message(user_id, email, kind=MessageKind.EVALUATION, subject=subject, body=body)
            for user_id, email in sorted(emails.items())
        ]
    return _save_and_send(messages)


def deliver_evaluation_results(round_, unit_ids) -> list[InboxMessage]:
    """常态问政: the staff and heads of each unit evaluated hear that the results are published."""
    people: dict[int, str] = {}
    for unit_people_of in unit_people(unit_ids).values():
        people.update(unit_people_of)
    link = settings.ZMD_SITE_URL + reverse("evaluations:detail", args=[round_.pk])
    with translation.override(settings.LANGUAGE_CODE):
        subject = (_("Evaluation results published: %(round)s") % {"round": round_.name})[:200]
        body = _("Your unit's results and the evaluators' comments: %(link)s") % {"link": link}
        messages = [
            _message(user_id, email, kind=MessageKind.EVALUATION, subject=subject, body=body)
            for user_id, email in sorted(people.items())
        ]
    return _save_and_send(messages)


def deliver_instruction_answer(answer) -> list[InboxMessage]:
    """The leader who wrote the 批示 hears that a unit answered it (and whether late), with the page
    showing every addressed unit's state."""
    instruction = answer.instruction
    author = instruction.author
    if not author.is_active:
        return []
    link = settings.ZMD_SITE_URL + reverse("instructions:detail", args=[instruction.pk])
    with translation.override(settings.LANGUAGE_CODE):
        subject = (
            _("%(unit)s answered your instruction on %(target)s")
            % {"unit": answer.unit, "target": instruction.target.title}
        )[:200]
        late = answer.answered_on > instruction.due_date
        lines = [answer.text, (_("Answered late, after %(day)s.") if late else _("Answered by %(day)s."))
                 % {"day": day_text(instruction.due_date)}, link]  # fmt: skip
        message = _message(
            author.pk, author.email or "", kind=MessageKind.INSTRUCTION, subject=subject, body="\n".join(lines)
        )
    return _save_and_send([message])


def deliver_first_group_exit(exit_) -> list[InboxMessage]:
    """保位争先: an indicator left the province's first group. The staff and heads of its target's
    lead unit and the target's leader hear it, with the rank, the line and the page to look at."""
    from ..services.province import month_label  # province imports this module

    indicator = exit_.indicator
    target = indicator.target
    lead_units = target.assignments.filter(role=AssignmentRole.LEAD).values_list("unit_id", flat=True)
    people: dict[int, str] = {}
    for of_unit in unit_people(lead_units).values():
        people.update(of_unit)
    if target.leader_id:
        leaders = Role.objects.filter(kind=RoleKind.LEADER, leader_id=target.leader_id, user__is_active=True)
        people.update((user_id, email or "") for user_id, email in leaders.values_list("user_id", "user__email"))
    link = settings.ZMD_SITE_URL + reverse("province:index") + f"?year={exit_.month.year}"
    month = month_label(exit_.month)
    with translation.override(settings.LANGUAGE_CODE):
        subject = (
            _("%(indicator)s left the province's first group in %(month)s: rank %(rank)d")
            % {"indicator": indicator.name, "month": month, "rank": exit_.rank}
        )[:200]
        body = "\n".join(
            [
                _("In the province's bulletin of %(month)s our city ranks %(rank)d in %(indicator)s, below the first "
                  "group line (top %(line)d).") % {"month": month, "rank": exit_.rank, "indicator": indicator.name,
                                                  "line": exit_.line},
                _("Target: %(target)s") % {"target": target.title},
                link,
            ]
        )  # fmt: skip
        messages = [
            _message(user_id, email, kind=MessageKind.PROVINCE, subject=subject, body=body)
            for user_id, email in sorted(people.items())
        ]
    return _save_and_send(messages)


def deliver_digests(day: dt.date, lines_by_user: dict[int, list[str]], emails: dict[int, str]) -> list[int]:
    """One digest per person per day; a person who already has today's digest keeps it as it is.
    Returns the new messages' ids."""
    already = set(
        InboxMessage.objects.filter(kind=MessageKind.DIGEST, day=day, recipient_id__in=list(lines_by_user)).values_list(
            "recipient_id", flat=True
        )
    )
    moment = clock.now()
    with translation.override(settings.LANGUAGE_CODE):
        subject, day_words = _("Reminders of %(day)s: %(count)s items"), day_text(day)
        rows = [
            (
                user_id,
                DIGEST,
                None,
                day,
                subject % {"day": day_words, "count": len(lines)},
                "\n".join(lines),
                moment,
                _email_status(emails.get(user_id, "")),
            )
            for user_id, lines in sorted(lines_by_user.items())
            if user_id not in already and lines
        ]
    return _insert_and_send(rows)


def deliver_leader_digest(user, day: dt.date, *, subject: str, body: str) -> list[InboxMessage]:
    """A leader's digest of ``day`` (accountability/services/leader_digest.py), inside the caller's
    transaction; a second one of the same day is refused by the unique constraint (IntegrityError)."""
    message = _message(user.pk, user.email or "", kind=MessageKind.LEADER_DIGEST, subject=subject, body=body)
    message.day = day  # the command may name a day that is not the clock's
    return _save_and_send([message])


def deliver_plain(recipients: dict[int, str], *, kind: str, subject: str, body: str = "") -> list[InboxMessage]:
    """A message about no notice (a coordination, a decision's reminder) to each of ``recipients``
    ({user id: email}), inside the caller's transaction; the emails go after commit."""
    return _save_and_send(
        [_message(user_id, email, kind=kind, subject=subject, body=body) for user_id, email in recipients.items()]
    )


def _save_and_send(messages: list[InboxMessage]) -> list[InboxMessage]:
    if not messages:
        return []
    InboxMessage.objects.bulk_create(messages, batch_size=500)
    send_after_commit([message.pk for message in messages])
    return messages


def send_after_commit(message_ids: list[int]) -> None:
    """The one way out of the inbox: after the issuing transaction commits, the emails of these
    messages (those still waiting for one) and their work-group posts and text messages
    (``services/channels.py``), each by its own job. Set-based issuers call it with their ids."""
    if not message_ids:
        return

    def enqueue():
        from ..models import DeliveryRules
        from ..tasks import deliver_to_channels, enqueue, send_message_emails

        # No job per batch while every channel is off (the demo's load issues thousands of messages).
        channels_on = DeliveryRules.current().any_on
        for start in range(0, len(message_ids), EMAIL_BATCH):
            batch = message_ids[start : start + EMAIL_BATCH]
            to_mail = list(
                InboxMessage.objects.filter(pk__in=batch, email_status=EmailStatus.PENDING).values_list("pk", flat=True)
            )
            if to_mail:  # not for people without an address
                enqueue(send_message_emails, to_mail)
            if channels_on:
                enqueue(deliver_to_channels, batch)

    transaction.on_commit(enqueue)


def mark_read(messages, *, user) -> int:
    """Bookkeeping: a person opened these entries (their own only)."""
    return messages.filter(recipient=user, read_at__isnull=True).update(read_at=clock.now())


# --- Email -------------------------------------------------------------------------------------


def _link(message: InboxMessage) -> str:
    if message.notice_id:
        return settings.ZMD_SITE_URL + reverse("notices:detail", args=[message.notice_id])
    return settings.ZMD_SITE_URL + reverse("notices:message", args=[message.pk])


def send_message_emails(message_ids: list[int]) -> int:
    """Send each still-unsent message once. A transient failure releases the claim and is raised for a retry."""
    sent = 0
    for message_id in message_ids:
        claimed = InboxMessage.objects.filter(
            pk=message_id, email_status=EmailStatus.PENDING, email_claimed_at__isnull=True
        ).update(email_claimed_at=clock.now())
        if not claimed:
            continue
        message = InboxMessage.objects.select_related("recipient").get(pk=message_id)
        if not message.recipient.email:
            InboxMessage.objects.filter(pk=message_id).update(email_status=EmailStatus.NO_ADDRESS)
            continue
        try:
            send_mail(
                subject=message.subject,
                message=f"{message.body}\n\n{_link(message)}",
                from_email=None,
                recipient_list=[message.recipient.email],
            )
        except Exception:
            InboxMessage.objects.filter(pk=message_id).update(email_claimed_at=None)
            raise
        InboxMessage.objects.filter(pk=message_id).update(email_status=EmailStatus.SENT, emailed_at=clock.now())
        sent += 1
    return sent


def resend_stale_emails() -> int:
    """Hand messages that never reached a worker to one again (run by the daily scan)."""
    moment = clock.now()
    InboxMessage.objects.filter(
        email_status=EmailStatus.PENDING, email_claimed_at__lt=moment - CLAIM_EXPIRES_AFTER
    ).update(email_claimed_at=None)
    stale = list(
        InboxMessage.objects.filter(
            Q(email_claimed_at__isnull=True), email_status=EmailStatus.PENDING, created_at__lt=moment - STALE_AFTER
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    send_after_commit(stale)
    return len(stale)
