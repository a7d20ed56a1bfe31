"""Letter pages: the unit sees and prints its own letter, the office signs and decides changes."""

import datetime as dt
import io

import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from accountability import services
from accountability.models import LetterChangeRequest
from tasks import services as ledger
from tasks.choices import AssignmentRole
from tests.factories import TargetFactory, named

TODAY = dt.datetime(2018, 4, 20, 10, tzinfo=dt.UTC)


def test_the_unit_sees_its_own_letter_laid_out_for_printing(client, alice, letter, issued_target):
    client.force_login(alice)
    page = client.get(reverse("letters:detail", args=[letter.pk])).content.decode()
    assert "驻马店市2018年度目标责任书" in page
    assert "乙方：甲县" in page and issued_target.title in page


def test_another_units_letter_is_not_found(client, bob, letter):
    client.force_login(bob)
    assert client.get(reverse("letters:detail", args=[letter.pk])).status_code == 404
    assert client.get(reverse("letters:xlsx", args=[letter.pk])).status_code == 404


def test_the_letter_downloads_as_a_sheet_with_its_assignments(client, alice, letter, issued_target):
    client.force_login(alice)
    response = client.get(reverse("letters:xlsx", args=[letter.pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][0].startswith("甲县2018年度目标责任书")
    assert rows[2][2] == issued_target.title


def test_the_head_signs_the_office_signs_then_a_change_goes_through_a_request(client, carol, erin, alice, letter):
    with time_machine.travel(TODAY, tick=False):
        client.force_login(carol)
        client.post(reverse("letters:sign", args=[letter.pk, "unit"]), {"signatory": "甲县县长"})
        client.force_login(erin)
        client.post(reverse("letters:sign", args=[letter.pk, "city"]), {"signatory": "市长", "signed_on": "2018-04-18"})
    letter.refresh_from_db()
    assert letter.is_signed and letter.city_signed_on == dt.date(2018, 4, 18)
    client.force_login(alice)
    assignment = letter.unit.assignments.get()
    response = client.post(
        reverse("letters:change-new", args=[letter.pk]),
        {"assignment": assignment.pk, "deadline": "2018-10-31", "reason": "提前完成"},
    )
    assert response.status_code == 302
    change = LetterChangeRequest.objects.get()
    client.force_login(erin)
    client.post(reverse("letters:change-decide", args=[change.pk]), {"decision": "approve"})
    page = client.get(reverse("letters:detail", args=[letter.pk])).content.decode()
    assert "第1次修订" in page and "2018-10-31" in page


def test_a_unit_cannot_decide_its_own_change_request(client, alice, erin, carol, letter):
    with time_machine.travel(TODAY, tick=False):
        services.sign_for_unit(letter, signatory="县长", acting_user=carol)
        services.sign_for_city(letter, signatory="市长", acting_user=erin)
    assignment = letter.unit.assignments.get()
    change = services.request_letter_change(assignment, changes={"share": "3"}, reason="调整", acting_user=alice)
    client.force_login(alice)
    assert client.post(reverse("letters:change-decide", args=[change.pk]), {"decision": "approve"}).status_code == 404
    change.refresh_from_db()
    assert change.status == "pending"


def test_the_letter_page_query_count_does_not_grow_with_assignments(
    client, alice, letter, erin, unit_a, django_assert_num_queries
):
    client.force_login(alice)
    url = reverse("letters:detail", args=[letter.pk])
    client.get(url)
    with django_assert_num_queries(8) as few:  # + the inbox badge
        client.get(url)
    for target in TargetFactory.create_batch(5):
        ledger.add_assignment(target, unit=unit_a, **named(unit_a), role=AssignmentRole.LEAD, acting_user=erin)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("<tr>") >= 6


def test_the_letters_list_shows_the_units_letters_to_the_office(client, erin, letter):
    client.force_login(erin)
    page = client.get(reverse("letters:list") + "?year=2018").content.decode()
    assert "甲县" in page and "乙局" in page
