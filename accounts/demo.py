"""The demo's account records: a few days of login log and one head's role handed to a successor."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from core import clock
from core.access import RoleKind
from tasks.models import Role, Unit
from tasks.services import save_with_history

from .models import LoginEvent, LoginEventKind, RoleHandover
from .services import hand_over_role, password_changed

DEMO_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/69.0 演示数据"
HANDOVER_UNIT = "西平县"
# (day, hour, minute, username, kind, address)
LOGIN_LOG = [
    ("2018-09-27", 8, 41, "office", LoginEventKind.SUCCESS, "10.18.2.15"),
    ("2018-09-27", 9, 3, "staff_zhengyang", LoginEventKind.FAILURE, "10.18.40.7"),
    ("2018-09-27", 9, 4, "staff_zhengyang", LoginEventKind.SUCCESS, "10.18.40.7"),
    ("2018-09-27", 11, 30, "staff_zhengyang", LoginEventKind.IDLE, "10.18.40.7"),
    ("2018-09-28", 2, 12, "admin", LoginEventKind.FAILURE, "203.0.113.9"),
    ("2018-09-28", 2, 12, "admin", LoginEventKind.LOCKOUT, "203.0.113.9"),
    ("2018-09-28", 8, 55, "mayor", LoginEventKind.SUCCESS, "10.18.1.3"),
    ("2018-09-28", 17, 40, "office", LoginEventKind.LOGOUT, "10.18.2.15"),
    ("2018-09-29", 9, 10, "head_xiping", LoginEventKind.SUCCESS, "10.18.31.2"),
]


def _at(day: str, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute)))


def build_accounts_demo(password: str) -> None:
    """Idempotent: what exists is left alone."""
    _handover(password)
    if LoginEvent.objects.filter(user_agent=DEMO_AGENT).exists():
        return
    users = {user.username: user for user in get_user_model().objects.all()}
    LoginEvent.objects.bulk_create(
        LoginEvent(
            kind=kind,
            username=username,
            user=users.get(username),
            address=address,
            user_agent=DEMO_AGENT,
            at=_at(day, hour, minute),
        )
        for day, hour, minute, username, kind, address in LOGIN_LOG
    )


def _handover(password: str) -> None:
    unit = Unit.objects.filter(name=HANDOVER_UNIT).first()
    if unit is None or RoleHandover.objects.filter(unit=unit).exists():
        return
    user_model = get_user_model()
    office = user_model.objects.get(username="office")
    hashed = make_password(password)
    with clock.replaying_at(_at("2018-03-01", 9, 0)):
        former = user_model(username="head_xiping_old", display_name="西平县原负责人", password=hashed)
        save_with_history(former, acting_user=office, reason="演示数据")
        role = Role(user=former, kind=RoleKind.HEAD, unit=unit)
        save_with_history(role, acting_user=office, reason="演示数据")
    with clock.replaying_at(_at("2018-08-20", 10, 0)):
        successor = user_model(username="head_xiping", display_name="西平县负责人", password=hashed)
        save_with_history(successor, acting_user=office, reason="演示数据")
        password_changed(successor)
        handover = hand_over_role(role, successor=successor, acting_user=office, note="工作调动")
    RoleHandover.objects.filter(pk=handover.pk).update(at=_at("2018-08-20", 10, 0))
