"""The login log and the session limit, fed by Django's and django-axes' signals."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from zmd_targets.client_ip import client_address

from .models import LoginEvent, LoginEventKind, UserSession


def _printable(text, limit: int) -> str:
    """``text`` without control characters (PostgreSQL refuses NUL in text), cut to ``limit``."""
    return "".join(ch for ch in str(text or "") if ch >= " " and ch != "\x7f")[:limit]


def record(kind: str, request=None, *, user=None, username: str = "") -> LoginEvent:
    address = None
    agent = ""
    if request is not None:
        try:
            address = client_address(request) or None
        except Exception:  # an odd header never stops a login
            address = None
        agent = _printable(request.META.get("HTTP_USER_AGENT"), 255)
    if user is not None and not username:
        username = user.get_username()
    return LoginEvent.objects.create(
        kind=kind, user=user, username=_printable(username, 150), address=address, user_agent=agent, at=timezone.now()
    )


def max_sessions() -> int:
    return getattr(settings, "ZMD_MAX_SESSIONS_PER_USER", 3)


# Django notes each login on the person (last_login), which would add a history row saying
# nothing changed to every login: the login log keeps logins, the history keeps changes.
user_logged_in.disconnect(dispatch_uid="update_last_login")


@receiver(user_logged_in, dispatch_uid="accounts.logged_in")
def _logged_in(sender, request, user, **kwargs):
    # An update, not a save: no history row, and no flag set on a user object other threads may share.
    user.last_login = timezone.now()
    type(user)._default_manager.filter(pk=user.pk).update(last_login=user.last_login)
    record(LoginEventKind.SUCCESS, request, user=user)
    session = getattr(request, "session", None)
    if session is None:
        return
    from .middleware import SEEN_KEY, mark_must_change
    from .services import _session_store, must_change_password

    if session.session_key is None:
        session.save()
    session[SEEN_KEY] = timezone.now().timestamp()
    mark_must_change(session, must_change_password(user))
    UserSession.objects.get_or_create(
        session_key=session.session_key, defaults={"user": user, "started_at": timezone.now()}
    )
    # The oldest sessions beyond the limit end (and sessions already gone are forgotten).
    store = _session_store()
    open_sessions = list(UserSession.objects.filter(user=user).order_by("-started_at", "-pk"))
    alive = []
    for item in open_sessions:
        if item.session_key == session.session_key or store().exists(item.session_key):
            alive.append(item)
        else:
            item.delete()
    for item in alive[max_sessions() :]:
        store(item.session_key).delete()
        item.delete()
        record(LoginEventKind.EVICTED, None, user=user)


@receiver(user_logged_out, dispatch_uid="accounts.logged_out")
def _logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    session = getattr(request, "session", None)
    idle = bool(getattr(request, "_zmd_idle_logout", False))
    record(LoginEventKind.IDLE if idle else LoginEventKind.LOGOUT, request, user=user)
    if session is not None and session.session_key:
        UserSession.objects.filter(session_key=session.session_key).delete()


@receiver(user_login_failed, dispatch_uid="accounts.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    record(LoginEventKind.FAILURE, request, username=str(credentials.get("username") or ""))


@receiver(user_locked_out, dispatch_uid="accounts.locked_out")
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    record(LoginEventKind.LOCKOUT, request, username=str(username or ""))
