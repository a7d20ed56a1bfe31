"""The office's scoring rules and grade bands: created with their defaults, edited with history."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import RuleViolation
from tasks.services import save_with_history, system_user

from ..choices import AMOUNT_ELSEWHERE, Grade, RuleCode
from ..constants import DEFAULT_GRADE_BANDS, DEFAULT_RULES
from ..models import GradeBand, ScoreRule


def ensure_default_rules() -> None:
    """Create any rule or band that does not exist yet, with its default (idempotent)."""
    have_rules = set(ScoreRule.objects.values_list("code", flat=True))
    have_bands = set(GradeBand.objects.values_list("grade", flat=True))
    if have_rules >= set(DEFAULT_RULES) and have_bands >= set(DEFAULT_GRADE_BANDS):
        return
    try:
        with transaction.atomic():
            user = system_user()
            for order, (code, (amount, description)) in enumerate(DEFAULT_RULES.items(), start=1):
                if code not in have_rules:
                    rule = ScoreRule(code=code, amount=amount, description=description, sort_order=order)
                    save_with_history(rule, acting_user=user, reason=_("Default rule"))
            for grade, minimum in DEFAULT_GRADE_BANDS.items():
                if grade not in have_bands:
                    band = GradeBand(grade=grade, min_score=minimum)
                    save_with_history(band, acting_user=user, reason=_("Default band"))
    except IntegrityError:
        # Two runs started together and the other one created them first (the unique key made
        # this one wait for its commit), so they exist now, with the same defaults.
        pass


def update_rule(rule: ScoreRule, *, amount, description: str, is_active: bool, acting_user) -> ScoreRule:
    """Change a rule from today on; entries already made keep the amount they were made with."""
    errors: dict[str, list[str]] = {}
    if rule.code in AMOUNT_ELSEWHERE:
        amount = None  # a reversal takes back exactly its entry; a case writes its measure's points
    elif amount is None:
        errors["amount"] = [_("Enter the points of this rule.")]
    if rule.code == RuleCode.BASE:
        if amount is not None and amount <= 0:
            errors["amount"] = [_("The base score must be above zero.")]
        if not is_active:
            errors["is_active"] = [_("The base score cannot be switched off.")]
    if not description.strip():
        errors["description"] = [_("Describe the rule.")]
    if errors:
        raise RuleViolation(errors)
    changed = (rule.amount != amount) or (rule.description != description.strip()) or (rule.is_active != is_active)
    if not changed:
        return rule
    with transaction.atomic():
        rule = ScoreRule.objects.select_for_update().get(pk=rule.pk)
        rule.amount, rule.description, rule.is_active = amount, description.strip(), is_active
        save_with_history(
            rule, acting_user=acting_user, reason=_("Rule edited"), update_fields=["amount", "description", "is_active"]
        )
    return rule


def update_grade_bands(minimums: dict[str, Decimal], *, acting_user) -> list[GradeBand]:
    """Set the lowest score of each grade; the bands must go down from 优秀 to 一般."""
    order = [Grade.EXCELLENT, Grade.GOOD, Grade.FAIR]
    values = [minimums.get(grade) for grade in order]
    if any(value is None for value in values):
        raise RuleViolation(_("Enter the lowest score of every grade."))
    if not values[0] > values[1] > values[2]:
        raise RuleViolation(_("Each grade must need a higher score than the grade below it."))
    if values[2] < 0:
        raise RuleViolation(_("A grade cannot start below zero."))
    with transaction.atomic():
        bands = {band.grade: band for band in GradeBand.objects.select_for_update()}
        for grade, value in zip(order, values, strict=True):
            band = bands[grade]
            if band.min_score != value:
                band.min_score = value
                save_with_history(
                    band, acting_user=acting_user, reason=_("Grade band edited"), update_fields=["min_score"]
                )
    return sorted(bands.values(), key=lambda band: band.min_score, reverse=True)
