"""The demo's responsible persons (责任人): one named deputy per unit with post and phones, and one
bare name left 待完善 as the migration leaves the old free-text names (正阳县分管负责同志)."""

from __future__ import annotations

from tasks import services
from tasks.choices import UnitKind
from tasks.models import ResponsiblePerson, Unit

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑"
GIVEN = ["建国", "志强", "秀兰", "海涛", "红梅", "立新", "永刚", "丽华", "卫东", "晓峰", "春燕", "国庆"]
POSTS = {UnitKind.DEPARTMENT: "副局长（分管）"}
# Made the way migration 0014 makes a person from an old free-text 责任人: a bare name, flagged.
LEFT_TO_COMPLETE = ("正阳县", "正阳县分管负责同志")


def _post(unit: Unit) -> str:
    if unit.kind == UnitKind.DEPARTMENT:
        return POSTS[UnitKind.DEPARTMENT]
    return "副区长" if unit.name.endswith("区") else "副县长"


def demo_people(units: dict[str, Unit], *, office) -> dict[str, ResponsiblePerson]:
    """The person who answers for each unit's demo assignments, made once."""
    people = {}
    for index, (name, unit) in enumerate(units.items()):
        person = ResponsiblePerson.objects.filter(unit=unit, needs_completion=False).order_by("pk").first()
        if person is None:
            person = services.add_person(
                unit,
                acting_user=office,
                name=SURNAMES[index % len(SURNAMES)] + GIVEN[index % len(GIVEN)],
                post=_post(unit),
                office_phone=f"0396-28{index:05d}",
                mobile=f"1383960{index:04d}",
            )
        people[name] = person
    unit_name, bare_name = LEFT_TO_COMPLETE
    if not ResponsiblePerson.objects.filter(unit=units[unit_name], name=bare_name).exists():
        services.add_person(units[unit_name], acting_user=office, name=bare_name)
    return people
