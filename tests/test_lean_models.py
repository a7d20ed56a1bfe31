"""Rows read into instances without ``Model.__init__`` (core.lean_models): the same instances."""

from __future__ import annotations

from unittest import mock

from django.db import models
from django.db.models.signals import post_init

from accountability import services
from accountability.models import Notice
from core.lean_models import LeanLoading
from tasks.models import Assignment, Milestone, ProgressReport, Target, Unit
from tests.notice_helpers import D, at


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def _django_built(queryset) -> list:
    """The same rows as Django builds them: a ``post_init`` listener makes the lean path step aside."""

    def listener(**kwargs):
        pass

    post_init.connect(listener, sender=queryset.model)
    try:
        return list(queryset)
    finally:
        post_init.disconnect(listener, sender=queryset.model)


def test_the_models_read_in_the_thousands_are_lean():
    for model in (Assignment, Target, Unit, Notice, ProgressReport, Milestone):
        assert issubclass(model, LeanLoading), model


def test_a_row_read_lean_is_the_instance_django_builds(erin, issued_target, lead_assignment):
    with at(D(2018, 1, 2), 11):
        task_notices = services.issue_task_notices(
            issued_target.assignments.values_list("pk", flat=True), acting_user=erin
        )
    for queryset in (
        Assignment.objects.select_related("target", "unit").filter(pk=lead_assignment.pk),
        Notice.objects.filter(pk__in=[notice.pk for notice in task_notices]).order_by("pk"),
    ):
        with mock.patch.object(models.Model, "__init__", autospec=True, side_effect=models.Model.__init__) as init:
            lean = list(queryset)
        assert init.call_count == 0  # no instance of the queryset's model went through Model.__init__
        built = _django_built(queryset)
        assert [_fields(instance) for instance in lean] == [_fields(instance) for instance in built]
        for instance in lean:
            assert not instance._state.adding and instance._state.db == "default"
            assert instance.get_deferred_fields() == set()
    assert lead_assignment in [notice.assignment for notice in lean]  # a foreign key still loads what it names
    assignment = Assignment.objects.select_related("target").get(pk=lead_assignment.pk)
    assert assignment.target.code == lead_assignment.target.code  # select_related cached its target


def test_deferred_fields_stay_deferred_and_load_when_read(lead_assignment):
    lean = Assignment.objects.only("pk", "unit_id").get(pk=lead_assignment.pk)
    built = _django_built(Assignment.objects.only("pk", "unit_id").filter(pk=lead_assignment.pk))[0]
    assert lean.get_deferred_fields() == built.get_deferred_fields() != set()
    assert lean.role == lead_assignment.role  # read from the database on first access, as Django does


def test_a_lean_instance_saves_and_refreshes_like_any_other(lead_assignment):
    assignment = Assignment.objects.get(pk=lead_assignment.pk)
    assignment.duty = "改过"
    assignment.save(update_fields=["duty"])
    assert Assignment.objects.get(pk=lead_assignment.pk).duty == "改过"
    Assignment.objects.filter(pk=lead_assignment.pk).update(duty="又改")
    assignment.refresh_from_db()
    assert assignment.duty == "又改"


def test_whoever_listens_for_post_init_hears_every_row_read(lead_assignment):
    heard = []

    def listener(sender, instance, **kwargs):
        heard.append(instance)

    post_init.connect(listener, sender=Assignment)
    try:
        read = list(Assignment.objects.filter(pk=lead_assignment.pk))
    finally:
        post_init.disconnect(listener, sender=Assignment)
    assert heard == read and read[0].pk == lead_assignment.pk
