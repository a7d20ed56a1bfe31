"""Public disclosure: prepare → approve → publish; frozen snapshots; corrections; the /public/ pages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accountability import services as acc
from accountability.choices import DisclosureStatus, RuleCode
from accountability.models import Disclosure, ScoreEntry
from tasks import services
from tasks.choices import TargetType, UnitKind
from tests.factories import UnitFactory
from tests.scenarios import D, approving_leader, at, file_report, issued, link, score


@pytest.fixture
def august(erin, alice, bob, unit_a, unit_b):
    """A livelihood project with a late report by unit A, scored to the end of August."""
    alice.display_name, alice.phone = "张三", "13800001234"
    alice.save()
    target = issued(
        erin, unit_a, [unit_b], target_type=TargetType.LIVELIHOOD, title="改造农村公路30公里",
        measure_unit="公里", target_value=Decimal(30),
    )  # fmt: skip
    services.update_assignment(
        link(target, unit_a), responsible_person="李四", responsible_phone="13900005678", acting_user=erin
    )
    report = file_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06", value=Decimal(6))
    with at(D(2018, 7, 2)):
        services.accept_report(report, acting_user=erin)
    score(D(2018, 8, 31), erin)
    return target


AUGUST, SEPTEMBER_3 = D(2018, 8, 1), D(2018, 9, 3)


def _publish(erin, month=AUGUST, day=SEPTEMBER_3, **options) -> Disclosure:
    with at(day):
        disclosure = acc.prepare_disclosure(month=month, acting_user=erin, **options)
        acc.approve_disclosure(disclosure, acting_user=approving_leader())
        return acc.publish_disclosure(disclosure, acting_user=erin)


def test_the_snapshot_holds_scores_ranks_completion_and_livelihood_progress(august, erin):
    disclosure = _publish(erin)
    data = disclosure.data
    assert data["as_of"] == "2018-08-31"
    counties = data["groups"][0]["rows"]
    assert [(r["unit"], r["score"], r["rank"], r["completion_rate"]) for r in counties] == [
        ("甲县", "99.40", 1, "20.0")  # June late (−0.1), July missing (−0.5)
    ]
    [project] = data["livelihood"]
    assert (project["title"], project["actual_value"], project["progress_percent"]) == (
        "改造农村公路30公里",
        "6",
        "20.0",
    )
    assert disclosure.digest and disclosure.published_at and disclosure.status == DisclosureStatus.PUBLISHED


def test_a_published_snapshot_never_changes_when_the_data_does(august, erin, alice, unit_a, client):
    disclosure = _publish(erin)
    page = client.get(reverse("public:detail", args=[disclosure.pk])).content
    frozen = dict(disclosure.data)
    file_report(link(august, unit_a), alice, D(2018, 9, 1), period="2018-08", value=Decimal(20))
    unit_a.name = "甲县（新名）"
    services.save_with_history(unit_a, acting_user=erin, reason="更名")
    score(D(2018, 9, 30), erin)
    disclosure.refresh_from_db()
    assert disclosure.data == frozen
    assert client.get(reverse("public:detail", args=[disclosure.pk])).content == page
    with pytest.raises(services.RuleViolation, match=r"frozen|固定"):
        acc.refresh_disclosure(disclosure, acting_user=erin)


def test_a_draft_takes_its_figures_again_until_it_is_approved(august, erin, alice, unit_a):
    with at(D(2018, 9, 3)):
        draft = acc.prepare_disclosure(month=D(2018, 8, 1), acting_user=erin)
    entry = ScoreEntry.objects.get(rule__code=RuleCode.REPORT_LATE)
    with at(D(2018, 9, 3)):
        appeal = acc.file_appeal(entry, reason="系统故障", acting_user=alice)
    with at(D(2018, 8, 31)):  # (a decision back-dated to the as-of day, for the test's sake)
        acc.decide_appeal(appeal, reverse=True, note="属实", acting_user=erin)
    with at(D(2018, 9, 4)):
        draft = acc.refresh_disclosure(draft, acting_user=erin, title="8月公示")
    assert draft.data["groups"][0]["rows"][0]["score"] == "99.50" and draft.title == "8月公示"


def test_a_correction_is_a_new_labelled_publication(august, erin, client):
    original = _publish(erin)
    with at(D(2018, 9, 10)):
        correction = acc.prepare_correction(original, correction_note="更正甲县完成率", acting_user=erin)
        with pytest.raises(services.RuleViolation, match="already exists"):
            acc.prepare_correction(original, correction_note="再次更正", acting_user=erin)
        acc.approve_disclosure(correction, acting_user=approving_leader())
        acc.publish_disclosure(correction, acting_user=erin)
    assert correction.corrects == original and "correction" in correction.title
    old_page = client.get(reverse("public:detail", args=[original.pk])).content.decode()
    assert reverse("public:detail", args=[correction.pk]) in old_page
    new_page = client.get(reverse("public:detail", args=[correction.pk])).content.decode()
    assert "更正甲县完成率" in new_page and reverse("public:detail", args=[original.pk]) in new_page


def test_a_page_kept_before_its_correction_names_the_correction_afterwards(august, erin, client):
    original = _publish(erin)
    before = client.get(reverse("public:detail", args=[original.pk])).content.decode()  # rendered and kept
    with at(D(2018, 9, 10)):
        correction = acc.prepare_correction(original, correction_note="更正甲县完成率", acting_user=erin)
        acc.approve_disclosure(correction, acting_user=approving_leader())
        acc.publish_disclosure(correction, acting_user=erin)
    after = client.get(reverse("public:detail", args=[original.pk])).content.decode()
    link = reverse("public:detail", args=[correction.pk])
    assert link not in before and link in after
    assert client.get(reverse("public:detail", args=[original.pk])).content.decode() == after


def test_only_an_approved_disclosure_is_published(august, erin):
    with at(D(2018, 9, 3)):
        draft = acc.prepare_disclosure(month=D(2018, 8, 1), acting_user=erin)
        with pytest.raises(services.RuleViolation, match="This disclosure is Draft; it cannot be published"):
            acc.publish_disclosure(draft, acting_user=erin)
    draft.refresh_from_db()
    assert draft.status == DisclosureStatus.DRAFT and draft.published_at is None


def test_the_public_sees_nothing_unpublished(august, erin, client):
    with at(D(2018, 9, 3)):
        draft = acc.prepare_disclosure(month=D(2018, 8, 1), acting_user=erin, title="草稿公示")
        approved = acc.prepare_disclosure(month=D(2018, 7, 1), acting_user=erin, title="已审未发")
        acc.approve_disclosure(approved, acting_user=approving_leader())
    published = _publish(erin, title="正式公示")
    index = client.get(reverse("public:index")).content.decode()
    assert "正式公示" in index and "草稿公示" not in index and "已审未发" not in index
    assert client.get(reverse("public:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("public:detail", args=[approved.pk])).status_code == 404
    assert client.get(reverse("public:detail", args=[published.pk])).status_code == 200


def test_no_staff_names_or_phone_numbers_unless_the_office_chose_to_publish_names(august, erin, client):
    plain = _publish(erin)
    page = client.get(reverse("public:detail", args=[plain.pk])).content.decode()
    for secret in ("张三", "alice", "erin", "13800001234", "李四", "13900005678", "按计划推进"):
        assert secret not in page
    named = _publish(erin, month=D(2018, 7, 1), show_responsible_persons=True)
    page = client.get(reverse("public:detail", args=[named.pk])).content.decode()
    assert "李四" in page
    for secret in ("张三", "13800001234", "13900005678"):
        assert secret not in page


def test_public_pages_need_no_login_and_are_cacheable(august, erin, client):
    disclosure = _publish(erin)
    url = reverse("public:detail", args=[disclosure.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert response["ETag"] and response["Last-Modified"]
    assert "Cookie" not in response.get("Vary", "") and not response.cookies
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
    index = client.get(reverse("public:index"))
    assert client.get(reverse("public:index"), HTTP_IF_NONE_MATCH=index["ETag"]).status_code == 304


def test_the_public_page_reads_well_on_a_phone(august, erin, client):
    page = client.get(reverse("public:detail", args=[_publish(erin).pk])).content.decode()
    assert 'name="viewport" content="width=device-width' in page
    assert "<script" not in page


def _many(erin, count, prefix):
    units = [UnitFactory(name=f"{prefix}{n}县", kind=UnitKind.COUNTY) for n in range(count)]
    issued(erin, units[0], units[1:], code=f"T-{prefix}", target_type=TargetType.LIVELIHOOD)


def test_public_pages_take_one_query_however_many_units_and_entries(erin, client, django_assert_num_queries):
    _many(erin, 2, "小")
    score(D(2018, 8, 31), erin)
    small = _publish(erin)
    with django_assert_num_queries(2):  # rendered the first time: the snapshot is read
        assert client.get(reverse("public:detail", args=[small.pk])).status_code == 200
    with django_assert_num_queries(1):  # kept
        assert client.get(reverse("public:detail", args=[small.pk])).status_code == 200
    with django_assert_num_queries(1):
        client.get(reverse("public:index"))
    _many(erin, 30, "大")
    score(D(2018, 8, 31), erin)
    large = _publish(erin, month=D(2018, 9, 1), day=D(2018, 9, 30))
    assert len(large.data["groups"][0]["rows"]) == 32 and ScoreEntry.objects.count() > 60
    with django_assert_num_queries(2):
        assert client.get(reverse("public:detail", args=[large.pk])).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(reverse("public:detail", args=[large.pk])).status_code == 200
    with django_assert_num_queries(1):
        client.get(reverse("public:index"))
