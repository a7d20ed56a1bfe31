"""The sheet's vocabulary: column headers, the Chinese names of sources and types, the layout
the exporter writes and the importer reads.

Columns are found by header name, in any order. The sheet's 序号 carries the hierarchy (一、
（一） 1. 1.1 …); an optional 编号 column carries the target's code so that an exported sheet
matches its targets by code; without it, targets are matched by year and title.
"""

from __future__ import annotations

from ..choices import Source, TargetType

# Field key → header names that mean it (the first is the one the exporter writes).
COLUMNS: dict[str, tuple[str, ...]] = {
    "seq": ("序号",),
    "code": ("编号", "目标编号", "任务编号", "代码"),
    "source": ("目标来源", "来源", "任务来源"),
    "type": ("任务类型", "目标类型", "类型", "类别"),
    "title": ("目标任务", "目标任务内容", "工作任务", "任务内容", "重点任务"),
    "leader": ("责任市领导", "分管市领导", "市领导", "责任领导"),
    "lead": ("牵头单位", "主办单位", "责任单位", "牵头责任单位"),
    "co": ("配合单位", "协办单位", "配合责任单位"),
    "person": ("责任人",),
    "deadline": ("完成时限", "时间节点", "完成时间", "时限"),
    "value": ("年度目标值", "目标值", "年度目标"),
    "measure_unit": ("计量单位", "单位"),
    "q1": ("一季度", "第一季度", "1季度"),
    "q2": ("二季度", "第二季度", "2季度"),
    "q3": ("三季度", "第三季度", "3季度"),
    "q4": ("四季度", "第四季度", "4季度"),
    "remarks": ("备注",),
}
QUARTERS = ("q1", "q2", "q3", "q4")
# The columns the exporter writes, in this order; the importer accepts any order and subset
# (目标任务 is the only column a sheet must have).
EXPORT_COLUMNS = [
    "seq", "code", "source", "type", "title", "leader", "lead", "co", "person", "deadline",
    "value", "measure_unit", "q1", "q2", "q3", "q4", "remarks",
]  # fmt: skip
REQUIRED_COLUMNS = ("title",)


def header_name(key: str) -> str:
    return COLUMNS[key][0]


HEADER_LOOKUP = {name: key for key, names in COLUMNS.items() for name in names}

# The names a sheet uses for the five sources and four types (the exporter writes the first).
SOURCE_NAMES: dict[str, tuple[str, ...]] = {
    Source.CENTRAL: ("中央和省下达", "中央和省下达目标", "中央省下达"),
    Source.PARTY: ("市委提出", "市委提出目标"),
    Source.WORK_REPORT: ("政府工作报告", "政府工作报告确定"),
    Source.PROVINCIAL_DEPT: ("省直厅局下达", "省直厅局下达目标"),
    Source.DEPUTIES: (
        "人大代表建议、政协委员提案",
        "人大代表建议和政协委员提案",
        "人大代表建议政协委员提案",
        "建议提案",
    ),
}
TYPE_NAMES: dict[str, tuple[str, ...]] = {
    TargetType.INDICATOR: ("数据指标类", "数据指标", "指标类"),
    TargetType.TASK: ("任务事项类", "任务事项", "事项类"),
    TargetType.PROPOSAL: ("建议提案类", "建议提案办理类"),
    TargetType.LIVELIHOOD: ("民生实事类", "民生实事"),
}
