"""What the demo holds, as data. Leaders are named by post; no real person's name appears."""

from core.periods import Frequency
from tasks.choices import MeasureKind, ShareRule, Source, TargetType, UnitKind

C, Z, D = UnitKind.COUNTY, UnitKind.ZONE, UnitKind.DEPARTMENT

# name, kind, login slug (each unit has a liaison account staff_<slug>)
UNITS = [
    ("驿城区", C, "yicheng"), ("西平县", C, "xiping"), ("上蔡县", C, "shangcai"), ("平舆县", C, "pingyu"),
    ("正阳县", C, "zhengyang"), ("确山县", C, "queshan"), ("泌阳县", C, "biyang"), ("汝南县", C, "runan"),
    ("遂平县", C, "suiping"), ("新蔡县", C, "xincai"), ("开发区", Z, "kaifaqu"),
    ("市发改委", D, "fgw"), ("市工信委", D, "gxw"), ("市商务局", D, "swj"), ("市财政局", D, "czj"),
    ("市统计局", D, "tjj"), ("市工商局", D, "gsj"), ("市编办", D, "bb"), ("市政务服务中心", D, "zwzx"),
    ("市法制办", D, "fzb"), ("市交通运输局", D, "jtj"), ("市教育局", D, "jyj"), ("市住建局", D, "zjj"),
]  # fmt: skip
# Units whose reports wait for the unit head before they reach the office.
UNITS_WITH_HEAD_APPROVAL = {"市发改委"}

LEADERS = [
    ("市长", "全面工作"),
    ("常务副市长", "发展改革、财政、统计、政务服务、住房城乡建设"),
    ("副市长（分管工业）", "工业和信息化、开发区"),
    ("副市长（分管商务）", "商务、市场监管、对外开放"),
    ("副市长（分管交通）", "交通运输"),
    ("副市长（分管教育）", "教育"),
]

# 分管领域 the office labels targets with, in order.
FIELDS = ["经济运行", "投资", "工业", "商务", "营商环境", "交通", "教育", "城乡建设", "财政"]
# Each leader's scope (tasks/selectors/scope.py): the mayor has the city; a vice-mayor fields and units.
WHOLE_CITY_LEADERS = {"市长"}
LEADER_FIELDS = {
    "常务副市长": ["经济运行", "投资", "营商环境", "城乡建设", "财政"],
    "副市长（分管工业）": ["工业"],
    "副市长（分管商务）": ["商务", "营商环境"],
    "副市长（分管交通）": ["交通"],
    "副市长（分管教育）": ["教育"],
}
LEADER_UNITS = {
    "常务副市长": ["市发改委", "市财政局", "市统计局", "市编办", "市政务服务中心", "市住建局"],
    "副市长（分管工业）": ["市工信委", "开发区"],
    "副市长（分管商务）": ["市商务局", "市工商局"],
    "副市长（分管交通）": ["市交通运输局"],
    "副市长（分管教育）": ["市教育局"],
}
# The fields each target is labelled with, by code.
TARGET_FIELDS = {
    "2018-001": ["经济运行"], "2018-002": ["工业", "经济运行"], "2018-003": ["投资"],
    "2018-004": ["商务"], "2018-005": ["财政"], "2018-006": ["营商环境"], "2018-006-1": ["营商环境"],
    "2018-007": ["营商环境"], "2018-008": ["工业", "营商环境"], "2018-009": ["经济运行"],
    "2018-010": ["交通"], "2018-011": ["教育"], "2018-012": ["城乡建设"], "2018-013": ["交通"],
    "2018-014": ["营商环境", "商务"], "2018-015": ["教育"],
}  # fmt: skip

TASK_FORCES = [
    ("经济运行监测专班", "常务副市长", "盯紧主要经济指标，按季度会商调度"),
    ("多证合一改革专班", "常务副市长", "推进“多证合一”“证照分离”改革"),
    ("固定资产投资攻坚专班", "常务副市长", "盯项目、抓开工、促投资"),
    ("农村公路建设专班", "副市长（分管交通）", "农村公路改造提升"),
]

# Fixed logins for acceptance scripts: username, display name, [(role, unit or leader post)].
LOGINS = [
    ("office", "督查室", [("office", None)]),
    ("mayor", "市长", [("leader", "市长")]),
    ("vmayor_industry", "副市长（分管工业）", [("leader", "副市长（分管工业）")]),
    # The industry vice-mayor's secretary: no role of their own, acts for the vice-mayor (tasks.Delegation).
    ("secretary_industry", "副市长（分管工业）秘书", []),
    ("staff_fgw", "市发改委联络员", [("staff", "市发改委")]),
    ("head_fgw", "市发改委负责人", [("head", "市发改委")]),
    ("staff_yicheng", "驿城区联络员", [("staff", "驿城区")]),
    # The technical administrator: the admin only, no role in the product (the office is not a superuser).
    ("sysadmin", "系统管理员（技术）", []),
]

# How each unit keeps pace with its plan (1.0 = on plan); by unit, then by (target code, unit).
PACE_BY_UNIT = {"正阳县": 0.45, "平舆县": 0.78, "上蔡县": 0.9, "开发区": 1.05, "市商务局": 0.8}
PACE_BY_ASSIGNMENT = {("2018-003", "正阳县"): 0.42, ("2018-002", "开发区"): 1.02, ("2018-014", "市商务局"): 0.8}
# Units that file late (a few days after the due date) and the one that skipped September.
LATE_FILERS = {"平舆县", "正阳县"}
MISSING_SEPTEMBER = {"正阳县"}

COUNTIES = ["驿城区", "西平县", "上蔡县", "平舆县", "正阳县", "确山县", "泌阳县", "汝南县", "遂平县", "新蔡县"]

ROAD_KM = ["20", "30", "35", "30", "35", "30", "35", "30", "25", "30"]


def _target(code, title, source, target_type, leader, lead, co=(), **extra):
    return {
        "code": code, "title": title, "source": source, "target_type": target_type, "leader": leader,
        "lead": lead, "co": list(co), **extra,
    }  # fmt: skip


TARGETS = [
    _target(
        "2018-001",
        "地区生产总值增长8.5%",
        Source.WORK_REPORT,
        TargetType.INDICATOR,
        "常务副市长",
        "市发改委",
        [
            ("市统计局", None),
            ("驿城区", "9.0"),
            ("西平县", "8.5"),
            ("上蔡县", "8.5"),
            ("平舆县", "8.6"),
            ("正阳县", "8.5"),
        ],
        measure_unit="%",
        target_value="8.5",
        measure_kind=MeasureKind.LEVEL,
        share_rule=ShareRule.EACH,
        report_frequency=Frequency.QUARTERLY,
        is_key=True,
        task_force="经济运行监测专班",
        description="确保全市主要指标增速继续保持全省第一方阵。",
    ),
    _target(
        "2018-002",
        "规模以上工业增加值增长9%",
        Source.CENTRAL,
        TargetType.INDICATOR,
        "副市长（分管工业）",
        "市工信委",
        [("市统计局", None), ("驿城区", None), ("开发区", "10.0"), ("遂平县", None), ("西平县", None)],
        measure_unit="%",
        target_value="9.0",
        measure_kind=MeasureKind.LEVEL,
        share_rule=ShareRule.EACH,
        description="省政府下达我市的工业增长目标。",
    ),
    _target(
        "2018-003",
        "全市固定资产投资完成1800亿元",
        Source.WORK_REPORT,
        TargetType.INDICATOR,
        "常务副市长",
        "市发改委",
        [
            ("驿城区", "300"),
            ("西平县", "160"),
            ("上蔡县", "170"),
            ("平舆县", "160"),
            ("正阳县", "150"),
            ("确山县", "140"),
            ("泌阳县", "160"),
            ("汝南县", "150"),
            ("遂平县", "140"),
            ("新蔡县", "120"),
            ("开发区", "150"),
        ],
        measure_unit="亿元",
        target_value="1800",
        share_rule=ShareRule.SUM,
        task_force="固定资产投资攻坚专班",
        is_key=True,
        description="对每个重大项目列出任务单、时间表、路线图，倒排工期、挂图作战。",
    ),
    _target(
        "2018-004",
        "社会消费品零售总额增长10.5%",
        Source.PROVINCIAL_DEPT,
        TargetType.INDICATOR,
        "副市长（分管商务）",
        "市商务局",
        [("市统计局", None)],
        measure_unit="%",
        target_value="10.5",
        measure_kind=MeasureKind.LEVEL,
        share_rule=ShareRule.EACH,
        description="省商务厅下达的消费增长目标。",
    ),
    _target(
        "2018-005",
        "一般公共预算收入增长8%",
        Source.WORK_REPORT,
        TargetType.INDICATOR,
        "常务副市长",
        "市财政局",
        [("市统计局", None)],
        measure_unit="%",
        target_value="8.0",
        measure_kind=MeasureKind.LEVEL,
        share_rule=ShareRule.EACH,
    ),
    _target(
        "2018-006",
        "推进“多证合一”“证照分离”改革",
        Source.CENTRAL,
        TargetType.TASK,
        "常务副市长",
        "市工商局",
        [("市编办", None), ("市政务服务中心", None), ("市法制办", None)],
        task_force="多证合一改革专班",
        is_key=True,
        description="积极推进多证合一、证照分离，进一步优化行政审批事项和服务流程。",
    ),
    _target(
        "2018-006-1",
        "年底前实现“二十四证合一”",
        Source.CENTRAL,
        TargetType.TASK,
        "常务副市长",
        "市工商局",
        [("市编办", None)],
        parent="2018-006",
        task_force="多证合一改革专班",
    ),
    _target(
        "2018-007",
        "打造“一次告知、一窗受理、一次办妥”政务服务品牌",
        Source.PARTY,
        TargetType.TASK,
        "常务副市长",
        "市政务服务中心",
        [("市编办", None), ("市法制办", None), ("驿城区", None)],
        description="切实提速提质提效。",
    ),
    _target(
        "2018-008",
        "落实“企业服务日”制度",
        Source.PARTY,
        TargetType.TASK,
        "副市长（分管工业）",
        "市工信委",
        [("市商务局", None), ("开发区", None), ("市发改委", None)],
        description="为企业提供“一站式、全天候、零距离”服务。",
    ),
    _target(
        "2018-009",
        "建立重点工作重大项目推进例会制度",
        Source.WORK_REPORT,
        TargetType.TASK,
        "市长",
        "市发改委",
        [("市政务服务中心", None)],
        deadline="2018-06-30",
        closed=True,
        description="完善任务分解机制，建立现场协调快办制度。",
    ),
    _target(
        "2018-010",
        "改造提升农村公路300公里",
        Source.WORK_REPORT,
        TargetType.LIVELIHOOD,
        "副市长（分管交通）",
        "市交通运输局",
        [(name, share) for name, share in zip(COUNTIES, ROAD_KM, strict=True)],
        measure_unit="公里",
        target_value="300",
        share_rule=ShareRule.SUM,
        task_force="农村公路建设专班",
        description="十件民生实事之一。",
    ),
    _target(
        "2018-011",
        "新建改扩建公办幼儿园20所",
        Source.WORK_REPORT,
        TargetType.LIVELIHOOD,
        "副市长（分管教育）",
        "市教育局",
        [("市住建局", None), ("驿城区", "4"), ("西平县", "4"), ("汝南县", "4"), ("新蔡县", "4"), ("泌阳县", "4")],
        measure_unit="所",
        target_value="20",
        share_rule=ShareRule.SUM,
    ),
    _target(
        "2018-012",
        "棚户区改造开工12000套",
        Source.PROVINCIAL_DEPT,
        TargetType.LIVELIHOOD,
        "常务副市长",
        "市住建局",
        [("驿城区", "5000"), ("上蔡县", "3500"), ("确山县", "3500")],
        measure_unit="套",
        target_value="12000",
        share_rule=ShareRule.SUM,
        description="省住建厅下达。",
    ),
    _target(
        "2018-013",
        "关于加快农村公路养护的建议（第18号）",
        Source.DEPUTIES,
        TargetType.PROPOSAL,
        "副市长（分管交通）",
        "市交通运输局",
        [("市财政局", None)],
        deadline="2018-07-10",
        description="市人大代表建议，答复期限三个月。",
    ),
    _target(
        "2018-014",
        "关于进一步优化营商环境的提案（第56号）",
        Source.DEPUTIES,
        TargetType.PROPOSAL,
        "副市长（分管商务）",
        "市商务局",
        [("市工商局", None)],
        deadline="2018-09-10",
        description="市政协委员提案，答复期限五个月。",
    ),
    _target(
        "2018-015",
        "全市中小学教师培训覆盖率达到100%",
        Source.PROVINCIAL_DEPT,
        TargetType.TASK,
        "副市长（分管教育）",
        "市教育局",
        [("新蔡县", None), ("上蔡县", None)],
    ),
]

# Secretaries (秘书): login → the login of the leader they act for.
SECRETARIES = {"secretary_industry": "vmayor_industry"}

# Leaders who wrote an instruction (批示) on a target, by login.
INSTRUCTIONS_BY = {"2018-002": "vmayor_industry", "2018-003": "mayor"}

PROBLEMS = {
    "正阳县": "个别重点项目征地拆迁滞后，资金到位率偏低。",
    "平舆县": "部分项目前期手续办理较慢。",
    "市商务局": "协办单位意见尚未全部反馈。",
}
SUGGESTIONS = {"正阳县": "请求市级层面协调土地指标和专项资金。", "平舆县": "建议开辟审批绿色通道。"}
