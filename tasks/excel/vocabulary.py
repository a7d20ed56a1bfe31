"""The names a breakdown sheet uses for the five sources and four types (the exporter writes the
first of each). The 目标来源 and 任务类型 columns read them; the check and the exporter show them."""

from __future__ import annotations

from ..choices import Source, TargetType

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
