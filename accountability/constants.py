"""Defaults of supervision and accountability (our reading of DOMAIN.md; the office can change them)."""

from decimal import Decimal

from .choices import Grade, ResultBand, RuleCode

# code: (amount, description in the office's words). Amounts are points; the base is per period.
DEFAULT_RULES: dict[str, tuple[Decimal | None, str]] = {
    RuleCode.BASE: (Decimal("100"), "基础分：每个单位每年（季度排名按季度）起始分值"),
    RuleCode.REPORT_LATE: (Decimal("-0.1"), "进度报告逾期报送，每次扣分"),
    RuleCode.REPORT_MISSING: (Decimal("-0.5"), "进度报告逾期仍未报送，每次扣分"),
    RuleCode.WARNING_YELLOW: (Decimal("-0.5"), "被下发黄色进度预警单，每次扣分"),
    RuleCode.WARNING_ORANGE: (Decimal("-1"), "被下发橙色进度预警单，每次扣分"),
    RuleCode.WARNING_RED: (Decimal("-2"), "被下发红色进度预警单，每次扣分"),
    RuleCode.EXPOSURE: (Decimal("-5"), "落实情况曝光单经审批公开曝光，每次扣分"),
    RuleCode.COMPLETED_LEAD: (Decimal("2"), "作为牵头单位完成任务并销号，每项加分"),
    RuleCode.COMPLETED_CO: (Decimal("1"), "作为配合单位完成任务并销号，每项加分"),
    RuleCode.EARLY_OR_OVER: (Decimal("1"), "提前1个月以上完成，或超额10%以上完成，每项加分"),
    RuleCode.PROPOSAL_UNSATISFIED: (Decimal("-3"), "建议提案答复经代表委员评价为不满意，每次扣分"),
    RuleCode.HEAD_APPROVAL_LATE: (Decimal("0"), "单位负责人超过审批时限未审批进度报告（负责人审批超时），每次扣分"),
    # Off (0 points) until the office sets an amount on the rules page: a round's result per unit and target.
    RuleCode.EVALUATION_GOOD: (Decimal("0"), "常态问政评议结果为“好”（平均分4.5分及以上），每项加分"),
    RuleCode.EVALUATION_POOR: (Decimal("0"), "常态问政评议结果为“差”（平均分低于2.5分），每项扣分"),
    RuleCode.ACCOUNTABILITY: (None, "问责事项经领导批准，按问责方式所定分值记分"),
    RuleCode.REVERSAL: (None, "申诉成立或任务退回重办时，撤销原记分（分值与原记录相反）"),
}
# The lowest score of each grade; below the last band a unit is 较差 (poor).
DEFAULT_GRADE_BANDS: dict[str, Decimal] = {
    Grade.EXCELLENT: Decimal("90"),
    Grade.GOOD: Decimal("80"),
    Grade.FAIR: Decimal("60"),
}
# Finishing at least this many months before the deadline, or this share over the goal, earns the bonus.
EARLY_MONTHS = 1
OVER_TARGET_RATIO = Decimal("1.10")

# The year-end assessment (年度考核): how much each part weighs in the score (percent, adding up to
# 100), what a rated check is worth, and what one approved accountability case costs the cases part.
# Our reading of "凭工作实绩论英雄": the office sets the weights on each version it prepares.
DEFAULT_ASSESSMENT_WEIGHTS: dict[str, Decimal] = {
    "weight_completion": Decimal("40"),
    "weight_points": Decimal("40"),
    "weight_checks": Decimal("10"),
    "weight_cases": Decimal("10"),
    "case_deduction": Decimal("20"),
}
CHECK_RATING_MARKS: dict[str, Decimal] = {
    "good": Decimal("100"),
    "fairly_good": Decimal("85"),
    "average": Decimal("70"),
    "poor": Decimal("50"),
}
# The rewards and penalties (奖惩) the office starts with; it edits the list afterwards (the admin).
STARTING_REWARD_MEASURES = [
    ("通报表扬", "reward"),
    ("评为先进", "reward"),
    ("奖励", "reward"),
    ("通报批评", "penalty"),
    ("扣减绩效", "penalty"),
    ("约谈", "penalty"),
]

# 常态问政: the lowest average mark (1–5, progress and effect together) of each result; below the last, 差.
RESULT_BANDS: list[tuple[str, Decimal]] = [
    (ResultBand.GOOD, Decimal("4.5")),
    (ResultBand.FAIRLY_GOOD, Decimal("3.5")),
    (ResultBand.AVERAGE, Decimal("2.5")),
]
# The results that write points, and the rule that says how many.
RESULT_BAND_RULES = {ResultBand.GOOD: RuleCode.EVALUATION_GOOD, ResultBand.POOR: RuleCode.EVALUATION_POOR}
