"""The end of a task's life in the 2018 demo, replayed at its dates inside the supervision replay
(``accountability.demo``), so that the notices, points and letters these steps make carry their days.

On 2018-09-30 the demo shows: 驿城区's claimed completion of 2018-007 waiting for 销号核验; 开发区's
2018-008, closed out on 25 July with its 任务销号单 and points, then returned for redo (退回重办) on
14 September with the points reversed; 新蔡县's extension of 2018-011, granted on its signed
responsibility letter (a revision), and 正阳县's extension of 2018-003, refused with the reason.
(2018-009 was closed out in July, and proposal no. 18 closed its chain when it was concluded.)
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from core import clock
from core.access import RoleKind
from tasks import services as ledger
from tasks.models import Assignment, User

from . import services
from .models import ResponsibilityLetter

YEAR = 2018


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _assignment(code: str, unit: str) -> Assignment:
    return Assignment.objects.select_related("target", "unit").get(
        target__year=YEAR, target__code=code, unit__name=unit
    )


def _liaison(assignment: Assignment) -> User:
    return User.objects.filter(roles__unit=assignment.unit, roles__kind=RoleKind.STAFF).order_by("pk").first()


def _evidence(name: str, text: str) -> ContentFile:
    """A small PDF the office can download from the claim (the demo's only files are these)."""
    body = f"%PDF-1.4\n% {text}\n%%EOF\n".encode()
    return ContentFile(body, name=name)


def _letters(office) -> None:
    """The office prepares the year's letters; 新蔡县 and the city sign 新蔡县's."""
    with clock.replaying_at(_at(dt.date(2018, 4, 12), 9)):
        services.prepare_letters(YEAR, acting_user=office)
    letter = ResponsibilityLetter.objects.get(unit__name="新蔡县", year=YEAR)
    with clock.replaying_at(_at(dt.date(2018, 4, 16), 10)):
        services.sign_for_unit(letter, signatory="新蔡县人民政府县长", acting_user=office)
        services.sign_for_city(letter, signatory="驻马店市人民政府市长", acting_user=office)


def _kaifaqu_claims(office) -> None:
    assignment = _assignment("2018-008", "开发区")
    with clock.replaying_at(_at(dt.date(2018, 7, 20), 15)):
        ledger.claim_completion(
            assignment,
            acting_user=_liaison(assignment),
            final_percent=100,
            statement="开发区已建立“企业服务日”制度，每月第一个工作日集中受理企业诉求，7月已为42家企业解决问题67个。",
            evidence=[_evidence("企业服务日制度文件.pdf", "qiye fuwu ri")],
        )


def _kaifaqu_closed_out(office) -> None:
    with clock.replaying_at(_at(dt.date(2018, 7, 25), 10)):
        services.verify_and_close_out(
            _assignment("2018-008", "开发区"), acting_user=office, note="经核验，制度已建立并运行，同意销号。"
        )


def _kaifaqu_returned(office) -> None:
    with clock.replaying_at(_at(dt.date(2018, 9, 14), 16)):
        ledger.return_for_redo(
            _assignment("2018-008", "开发区"),
            acting_user=office,
            reason="9月抽查发现“企业服务日”8月、9月未按制度开展，未形成常态，退回重办。",
        )


def _xincai_asks(office) -> None:
    assignment = _assignment("2018-011", "新蔡县")
    with clock.replaying_at(_at(dt.date(2018, 9, 10), 11)):
        ledger.request_extension(
            assignment,
            new_deadline=dt.date(2019, 3, 31),
            reason="两所新建幼儿园选址调整，征地手续9月才办结，主体工程需顺延至明年一季度完工。",
            acting_user=_liaison(assignment),
        )


def _xincai_granted(office) -> None:
    request = ledger.pending_extension(_assignment("2018-011", "新蔡县"))
    with clock.replaying_at(_at(dt.date(2018, 9, 12), 15)):
        ledger.decide_extension(request, grant=True, acting_user=office, note="情况属实，同意延期至2019年3月31日。")


def _zhengyang_asks(office) -> None:
    assignment = _assignment("2018-003", "正阳县")
    with clock.replaying_at(_at(dt.date(2018, 9, 20), 10)):
        ledger.request_extension(
            assignment,
            new_deadline=dt.date(2019, 6, 30),
            reason="重点项目征地拆迁滞后，资金到位率偏低，申请将投资任务延期至明年6月底。",
            acting_user=_liaison(assignment),
        )


def _zhengyang_refused(office) -> None:
    request = ledger.pending_extension(_assignment("2018-003", "正阳县"))
    with clock.replaying_at(_at(dt.date(2018, 9, 25), 9)):
        ledger.decide_extension(
            request, grant=False, acting_user=office, note="年度投资目标不予延期，请倒排工期、加快项目建设进度。"
        )


def _yicheng_claims(office) -> None:
    assignment = _assignment("2018-007", "驿城区")
    with clock.replaying_at(_at(dt.date(2018, 9, 27), 15)):
        ledger.claim_completion(
            assignment,
            acting_user=_liaison(assignment),
            final_percent=100,
            statement="驿城区政务服务中心已实现“一次告知、一窗受理、一次办妥”，进驻事项全部纳入综合窗口，群众满意率98.6%。",
            evidence=[_evidence("驿城区一窗受理验收材料.pdf", "yi chuang shou li")],
        )


TASK_LIFE_ACTIONS = {
    dt.date(2018, 4, 12): [_letters],
    dt.date(2018, 7, 20): [_kaifaqu_claims],
    dt.date(2018, 7, 25): [_kaifaqu_closed_out],
    dt.date(2018, 9, 10): [_xincai_asks],
    dt.date(2018, 9, 12): [_xincai_granted],
    dt.date(2018, 9, 14): [_kaifaqu_returned],
    dt.date(2018, 9, 20): [_zhengyang_asks],
    dt.date(2018, 9, 25): [_zhengyang_refused],
    dt.date(2018, 9, 27): [_yicheng_claims],
}
