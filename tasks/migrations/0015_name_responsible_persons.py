"""Every free-text 责任人 becomes a person record of its unit; every issued link gets a person and a duty.

- one ``ResponsiblePerson`` per distinct (unit, name as typed, trimmed), flagged 待完善
  (``needs_completion``) for the office to add the post and phones; the typed phone goes to the
  mobile when it looks like one (11 digits starting with 1), else to the office phone;
- an issued (not draft) link with no name gets its unit's placeholder person "待明确责任人", also
  flagged; a draft without a name stays without a person (issuing it asks for one);
- an empty duty becomes the target's title.
"""

import re

from django.db import migrations

PLACEHOLDER = "待明确责任人"
_MOBILE = re.compile(r"^1\d{10}$")


def name_responsible_persons(apps, schema_editor):
    Assignment = apps.get_model("tasks", "Assignment")
    Person = apps.get_model("tasks", "ResponsiblePerson")
    made: dict[tuple[int, str], object] = {(p.unit_id, p.name): p for p in Person.objects.all()}

    def person_for(unit_id: int, name: str, phone: str):
        person = made.get((unit_id, name))
        if person is None:
            mobile = phone if _MOBILE.match(phone) else ""
            person = Person.objects.create(
                unit_id=unit_id,
                name=name,
                mobile=mobile,
                office_phone="" if mobile else phone,
                needs_completion=True,
            )
            made[(unit_id, name)] = person
        return person

    links = Assignment.objects.filter(person__isnull=True).select_related("target").order_by("pk")
    for link in links.iterator(chunk_size=2000):
        name = (link.responsible_person or "").strip()
        if not name and link.status == "draft":
            person = None
        else:
            person = person_for(link.unit_id, name or PLACEHOLDER, (link.responsible_phone or "").strip())
        link.person = person
        if person is not None and not link.responsible_person:
            link.responsible_person = person.name
        if not link.duty.strip():
            link.duty = link.target.title
        link.save(update_fields=["person", "duty", "responsible_person"])
    Assignment.objects.filter(duty="", person__isnull=False).update(duty="—")  # a target without a title


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0014_responsible_persons"),
    ]

    operations = [
        migrations.RunPython(name_responsible_persons, migrations.RunPython.noop),
    ]
