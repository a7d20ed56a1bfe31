"""Writes breakdown_2018_sample.xlsx: a breakdown sheet as an office keeps it (title rows, a two-level
header, section rows, vertically merged leader cells, full-width digits, a percent-formatted cell,
dates in words). Run it to regenerate the file: python tests/data/make_sample.py"""

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

UNITS = ["市发改委", "市统计局", "驿城区", "西平县", "上蔡县", "市工商局", "市编办", "市交通运输局", "市工信委"]
LEADERS = ["常务副市长", "副市长（分管交通）", "副市长（分管工业）"]


def build(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "分解表"
    ws.append(["驻马店市２０１８年目标任务分解表"])
    ws.append(["（市政府第一次全体会议确定）　　　　　填报单位：市政府督查室"])
    ws.append(["序号", "目标来源", "任务类型", "目标任务", "责任市领导", "牵头单位", "配合单位", "责任人", "完成\n时限",
               "年度目标值", "计量单位", "分季度目标", None, None, None, "备注"])  # fmt: skip
    ws.append([None] * 11 + ["一季度", "二季度", "三季度", "四季度", None])
    ws.append(["一、中央和省下达目标任务"])
    ws.append(["1", "中央和省下达", "数据指标类", "规模以上工业增加值增长9%", "副市长（分管工业）", "市工信委",
               "市统计局、驿城区", "市工信委：分管副主任", "年底前", 0.09, "%",
               None, 0.085, 0.088, 0.09, None])  # fmt: skip
    ws.append(["2", "中央和省下达", "任务事项类", "推进“多证合一”改革\n积极推进多证合一、证照分离。", None, "市工商局",
               "市编办；市发改委", "王局长", "2018年6月底前", None, None, "完成方案", "100%：全面推开", None, None,
               "省政府督办"])  # fmt: skip
    ws.append(["二、政府工作报告确定的目标任务"])
    ws.append(["（一）", "政府工作报告", "数据指标类", "全市固定资产投资", "常务副市长", "市发改委",
               "驿城区（１０００）\n西平县（８００）", None, "年底前", "１８００", "亿元",
               400, 900, 1350, 1800, None])  # fmt: skip
    ws.append(["1", "政府工作报告", "数据指标类", "驿城区固定资产投资", None, "驿城区", None, "区长",
               dt.datetime(2018, 12, 31), 1000, "亿元", None, None, None, None, None])  # fmt: skip
    ws.append(["2", "政府工作报告", "民生实事类", "改造提升农村公路３０公里", "副市长（分管交通）", "市交通运输局",
               "西平县、上蔡县", None, "三季度末", "３０", "公里",
               None, "进度50%", "进度100%", None, "十件民生实事"])  # fmt: skip
    ws["J6"].number_format = "0.0%"
    for cell in ("M6", "N6", "O6"):
        ws[cell].number_format = "0.0%"
    for merged in ("A1:P1", "A2:P2", "L3:O3", "A5:P5", "A8:P8", "E9:E10"):
        ws.merge_cells(merged)
    for column in "ABCDEFGHIJKP":
        ws.merge_cells(f"{column}3:{column}4")
    wb.save(path)
    return path


if __name__ == "__main__":
    build(Path(__file__).with_name("breakdown_2018_sample.xlsx"))
