"""What the office does to logins (create, deactivate, reset a password, hand a role over), and
what a person changes on their own profile (name, contact details, language).

Every change saves through ``save_with_history`` (the person's and the role's history names the
office and the reason) and ends the sessions a change makes wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock
from core.access import EVALUATOR_KINDS, RoleKind, forget_access
from core.errors import RuleViolation
from core.text import strip_control
from tasks.models import Role
from tasks.services import save_with_history, validate_and_save

from . import contacts
from .models import AccountState, RoleHandover, UserSession
from .validators import one_time_password

UNIT_ROLES = (RoleKind.STAFF, RoleKind.HEAD)


@dataclass
class NewLogin:
    user: object
    password: str


def _session_store() -> type[SessionBase]:
    from importlib import import_module

    from django.conf import settings

    return import_module(settings.SESSION_ENGINE).SessionStore


def end_sessions(user, *, keep: str | None = None) -> int:
    """End every session ``user`` holds (but ``keep``); return how many."""
    store = _session_store()
    ended = 0
    for record in UserSession.objects.filter(user=user).exclude(session_key=keep or ""):
        store(record.session_key).delete()
        record.delete()
        ended += 1
    return ended


def _must_change(user, flag: bool) -> None:
    AccountState.objects.update_or_create(
        user=user, defaults={"must_change_password": flag, "password_set_at": timezone.now()}
    )


def _new_user(*, username: str, display_name: str, phone: str = "", email: str = "", acting_user) -> NewLogin:
    user_model = get_user_model()
    username = (username or "").strip()
    if user_model.objects.filter(username__iexact=username).exists():
        raise RuleViolation({"username": _("This user name is taken.")})
    password = one_time_password()
    user = user_model(username=username, display_name=(display_name or "").strip(), phone=phone, email=email)
    user.set_password(password)
    validate_and_save(user, acting_user=acting_user, reason=_("Login created by the office"), exclude=["password"])
    _must_change(user, True)
    return NewLogin(user, password)


def create_login(*, username: str, display_name: str, unit, kind: str, phone: str = "", email: str = "", acting_user):
    """A new login for a unit's liaison (staff) or head, with a one-time password to hand over."""
    if kind not in UNIT_ROLES:
        raise RuleViolation({"kind": _("Choose staff (liaison) or head.")})
    if unit is None:
        raise RuleViolation({"unit": _("Choose the unit.")})
    with transaction.atomic():
        created = _new_user(
            username=username, display_name=display_name, phone=phone, email=email, acting_user=acting_user
        )
        role = Role(user=created.user, kind=kind, unit=unit)
        validate_and_save(role, acting_user=acting_user, reason=_("Login created by the office"))
    return created


def create_evaluator_login(*, username: str, display_name: str, kind: str, acting_user):
    """A login for an NPC deputy or CPPCC member who evaluates (常态问政), with a one-time password."""
    if kind not in EVALUATOR_KINDS:
        raise RuleViolation({"kind": _("Choose NPC deputy or CPPCC member.")})
    if not (display_name or "").strip():
        raise RuleViolation({"display_name": _("Enter the person's name.")})
    with transaction.atomic():
        created = _new_user(username=username, display_name=display_name, acting_user=acting_user)
        role = Role(user=created.user, kind=kind)
        validate_and_save(role, acting_user=acting_user, reason=_("Login created by the office"))
    return created


def hand_over_to_new_login(role, *, username: str, display_name: str, acting_user, **options) -> tuple:
    """Create the successor's login (one-time password) and hand ``role`` to it, all or nothing."""
    with transaction.atomic():
        created = _new_user(username=username, display_name=display_name, acting_user=acting_user)
        handover = hand_over_role(role, successor=created.user, acting_user=acting_user, **options)
    return handover, created


def set_active(user, *, active: bool, acting_user) -> None:
    """Deactivate (the person can no longer log in; their sessions end) or reactivate a login."""
    if user.pk == acting_user.pk and not active:
        raise RuleViolation(_("You cannot deactivate your own login."))
    if user.is_active == active:
        return
    with transaction.atomic():
        user.is_active = active
        reason = _("Reactivated by the office") if active else _("Deactivated by the office")
        save_with_history(user, acting_user=acting_user, reason=reason, update_fields=["is_active"])
        if not active:
            end_sessions(user)


def reset_password(user, *, acting_user) -> str:
    """Give ``user`` a one-time password (returned once, never stored in clear) they must change."""
    if not user.is_active:
        raise RuleViolation(_("Reactivate the login before resetting its password."))
    password = one_time_password()
    with transaction.atomic():
        user.set_password(password)
        save_with_history(user, acting_user=acting_user, reason=_("Password reset by the office"))
        _must_change(user, True)
        end_sessions(user)
    # Axes may have paused the login after failed tries: the office's reset lets the person in.
    from axes.utils import reset as axes_reset

    axes_reset(username=user.username)
    return password


def hand_over_role(role, *, successor, acting_user, deactivate_old: bool = True, note: str = "") -> RoleHandover:
    """Move ``role`` to ``successor``: the old holder loses it (and, if asked and it was their last
    role, their login); both stay named in the role's history and in a handover record."""
    old_user = role.user
    if successor.pk == old_user.pk:
        raise RuleViolation({"successor": _("The successor must be another person.")})
    if not successor.is_active:
        raise RuleViolation({"successor": _("The successor's login is deactivated.")})
    if Role.objects.filter(user=successor, kind=role.kind, unit=role.unit, leader=role.leader).exists():
        raise RuleViolation({"successor": _("The successor already holds this role.")})
    now = timezone.now()
    with transaction.atomic():
        reason = _("Handed over to %(name)s") % {"name": successor.username}
        role._history_user = acting_user
        role._change_reason = reason
        role._history_date = clock.now()
        kind, unit, leader = role.kind, role.unit, role.leader
        role.delete()
        new_role = Role(user=successor, kind=kind, unit=unit, leader=leader)
        validate_and_save(
            new_role, acting_user=acting_user, reason=_("Taken over from %(name)s") % {"name": old_user.username}
        )
        deactivated = False
        if deactivate_old and not Role.objects.filter(user=old_user).exists() and old_user.pk != acting_user.pk:
            old_user.is_active = False
            save_with_history(old_user, acting_user=acting_user, reason=reason, update_fields=["is_active"])
            deactivated = True
        end_sessions(old_user)
        handover = RoleHandover.objects.create(
            kind=kind,
            unit=unit,
            leader=leader,
            from_user=old_user,
            to_user=successor,
            old_login_deactivated=deactivated,
            recorded_by=acting_user,
            at=now,
            note=(note or "")[:200],
        )
    forget_access(old_user)
    forget_access(successor)
    return handover


def password_changed(user) -> None:
    """The person chose their own password: the one-time password's mark is lifted."""
    AccountState.objects.update_or_create(
        user=user, defaults={"must_change_password": False, "password_set_at": timezone.now()}
    )


def must_change_password(user) -> bool:
    return AccountState.objects.filter(user=user, must_change_password=True).exists()


# --- The person's own profile (/profile/) -------------------------------------------------------

PROFILE_FIELDS = ("display_name", "phone", "mobile", "email", "language")


def _own_profile_only(user, acting_user) -> None:
    # The office changes other people's logins at /users/; a profile is its owner's alone.
    if acting_user is None or user.pk != acting_user.pk:
        raise RuleViolation(_("Only the person themselves can change their profile."))


def _checked_language(language: str) -> str:
    language = (language or "").strip()
    if language not in dict(settings.LANGUAGES):
        raise RuleViolation({"language": [_("Choose one of the languages offered.")]})
    return language


def _checked_profile(*, display_name: str, phone: str, mobile: str, email: str, language: str) -> dict:
    """The values as they will be stored; every field's problem at once, keyed by field."""
    values, errors = {}, {}
    display_name = strip_control(display_name or "").strip()
    if not display_name:
        errors["display_name"] = [_("Enter your name as colleagues should see it.")]
    elif len(display_name) > contacts.NAME_MAX:
        errors["display_name"] = [_("The name may have at most %(n)d characters.") % {"n": contacts.NAME_MAX}]
    values["display_name"] = display_name
    for field, clean, raw in (
        ("phone", contacts.clean_office_phone, phone),
        ("mobile", contacts.clean_mobile, mobile),
        ("email", contacts.clean_email, email),
    ):
        try:
            values[field] = clean(raw)
        except ValidationError as error:
            errors[field] = error.messages
    try:
        values["language"] = _checked_language(language)
    except RuleViolation as error:
        errors.update(error.message_dict)
    if errors:
        raise RuleViolation(errors)
    return values


def update_profile(
    user, *, display_name: str, phone: str = "", mobile: str = "", email: str = "", language: str, acting_user
) -> list[str]:
    """The person's own name, contact details and language; returns the fields changed (none: no
    history row). A refused value changes nothing, the other fields included."""
    _own_profile_only(user, acting_user)
    values = _checked_profile(display_name=display_name, phone=phone, mobile=mobile, email=email, language=language)
    changed = [field for field in PROFILE_FIELDS if getattr(user, field) != values[field]]
    if not changed:
        return []
    for field in changed:
        setattr(user, field, values[field])
    try:
        with transaction.atomic():
            validate_and_save(
                user, acting_user=acting_user, reason=_("Profile changed by the person"), exclude=["password"]
            )
    except RuleViolation:
        # ``user`` is the request's own: the page must not show what was not stored.
        user.refresh_from_db(fields=changed)
        raise
    return changed


def choose_language(user, *, language: str, acting_user) -> bool:
    """The language chosen in the page footer, kept on the person's profile; False when unchanged."""
    _own_profile_only(user, acting_user)
    language = _checked_language(language)
    if user.language == language:
        return False
    user.language = language
    save_with_history(user, acting_user=acting_user, reason=_("Language chosen"), update_fields=["language"])
    return True
