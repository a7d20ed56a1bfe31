"""Rebuild the province bulletin test sheets: CSV here, then LibreOffice writes the .xlsx
(shared strings, numbers typed by Calc), as an office would save them:

    python tests/data/province/make_sheets.py
    cd tests/data/province
    for f in *.csv; do soffice --headless --infilter="CSV:44,34,76,1" --convert-to xlsx "$f"; done

Row numbers as Excel shows them: 1 the title, 2 the headers, data from 3.
"""

import csv
from pathlib import Path

HERE = Path(__file__).parent
CITIES = ["郑州", "开封", "洛阳", "平顶山", "安阳", "鹤壁", "新乡", "焦作", "濮阳",
          "许昌", "漯河", "三门峡", "南阳", "商丘", "信阳", "周口", "驻马店", "济源"]  # fmt: skip
TITLE = ["2018年8月全省主要经济指标通报（测试数据）"]
HEAD = ["城市", "指标", "数值", "增速(%)", "排名"]


def block(name, home_rank, base):
    others = [city for city in CITIES if city != "驻马店"]
    order = [*others[: home_rank - 1], "驻马店", *others[home_rank - 1 :]]
    return [[city, name, f"{1000 + rank * 37.5:.1f}", f"{base - rank * 0.2:.1f}", str(rank)]
            for rank, city in enumerate(order, start=1)]  # fmt: skip


GOOD = block("地区生产总值增速", 3, 11.0) + block("规模以上工业增加值增速", 8, 12.0)


def write(name, rows):
    with (HERE / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(TITLE)
        writer.writerow(HEAD)
        writer.writerows(rows)


def variant(name, index, column, value):
    rows = [row[:] for row in GOOD]
    rows[index][column] = value
    write(name, rows)


if __name__ == "__main__":
    write("good", GOOD)
    variant("unknown_city", 4, 0, "北京")  # row 7
    variant("unknown_indicator", 20, 1, "社会消费品零售总额增速")  # row 23
    variant("rank_too_high", 10, 4, "19")  # row 13
    variant("duplicate_rank", 5, 4, "5")  # row 8 repeats rank 5 of row 7
    variant("non_numeric", 2, 3, "八点五")  # row 5
