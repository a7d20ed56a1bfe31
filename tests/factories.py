"""factory_boy factories: the smallest valid rows; tests say what matters to them."""

import datetime as dt
from decimal import Decimal

import factory

from core.access import RoleKind
from tasks.choices import AssignmentRole, AssignmentStatus, Source, TargetType, UnitKind
from tasks.models import Assignment, Leader, Milestone, ProgressReport, ResponsiblePerson, Role, Target, Unit, User


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"测试县{n}")
    kind = UnitKind.COUNTY


class LeaderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Leader
        django_get_or_create = ["post"]

    post = factory.Sequence(lambda n: f"副市长（分管{n}）")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda o: o.username)
    password = factory.django.Password("secret-pass-123")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    kind = RoleKind.STAFF
    unit = factory.SubFactory(UnitFactory)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    year = 2018
    code = factory.Sequence(lambda n: f"T-{n:04d}")
    title = factory.Sequence(lambda n: f"目标任务{n}")
    source = Source.WORK_REPORT
    target_type = TargetType.TASK
    start_date = dt.date(2018, 1, 1)
    deadline = dt.date(2018, 12, 31)
    leader = factory.SubFactory(LeaderFactory)


class ResponsiblePersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResponsiblePerson

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"责任人{n}")
    post = "副县长"
    mobile = factory.Sequence(lambda n: f"139{n:08d}")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    target = factory.SubFactory(TargetFactory)
    unit = factory.SubFactory(UnitFactory)
    person = factory.SubFactory(ResponsiblePersonFactory, unit=factory.SelfAttribute("..unit"))
    duty = factory.LazyAttribute(lambda o: o.target.title)
    role = AssignmentRole.LEAD
    deadline = factory.LazyAttribute(lambda o: o.target.deadline)
    status = AssignmentStatus.DRAFT


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    assignment = factory.SubFactory(AssignmentFactory)
    due_date = dt.date(2018, 6, 30)
    planned_percent = Decimal(50)


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    assignment = factory.SubFactory(AssignmentFactory, status=AssignmentStatus.IN_PROGRESS)
    period = "2018-06"
    period_end = dt.date(2018, 6, 30)
    due_date = dt.date(2018, 6, 28)
    progress_percent = Decimal(40)
    work_done = "按计划推进"
    author = factory.SubFactory(UserFactory)
    submitted_at = None
    filed_at = factory.SelfAttribute("submitted_at")  # the staff's filing, which lateness reads


def named(unit, duty: str = "按目标任务推进") -> dict:
    """The 责任人 and 工作职责 an assignment needs before it is issued (add_assignment's keywords)."""
    return {"person": ResponsiblePersonFactory(unit=unit), "duty": duty}
