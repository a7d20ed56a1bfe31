"""The sizes a benchmark runs at. City: one prefecture-level city's year; province: ten of them;
region: twenty cities on one deployment (a province that runs one system for all its cities, 省级统建)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

BENCH_PREFIX = "BENCH"
YEAR = 2018
START = dt.date(2018, 1, 1)
TODAY = dt.date(2018, 9, 30)  # the day the pages, the scan and the rankings are measured on


@dataclass(frozen=True)
class Scale:
    name: str
    counties: int
    departments: int
    targets: int
    assignments_per_target: int
    weekly_targets: int  # targets reporting weekly; the rest monthly
    notices: int
    leaders: int

    @property
    def units(self) -> int:
        return self.counties + self.departments

    @property
    def assignments(self) -> int:
        return self.targets * self.assignments_per_target


# 800 weekly targets × 8 units × 39 weeks + 700 monthly × 8 × 9 months = 300,000 reports by 09-30.
CITY = Scale("city", counties=20, departments=70, targets=1500, assignments_per_target=8,
             weekly_targets=800, notices=20000, leaders=12)  # fmt: skip
PROVINCE = Scale("province", counties=200, departments=700, targets=15000, assignments_per_target=8,
                 weekly_targets=8000, notices=200000, leaders=60)  # fmt: skip
# Twenty cities' years side by side, each city's units, targets, notices and leaders: 6,000,000 reports.
REGION = Scale("region", counties=400, departments=1400, targets=30000, assignments_per_target=8,
               weekly_targets=16000, notices=400000, leaders=240)  # fmt: skip
# For tests of the generator itself.
TINY = Scale("tiny", counties=4, departments=6, targets=12, assignments_per_target=3,
             weekly_targets=4, notices=100, leaders=3)  # fmt: skip

SCALES = {scale.name: scale for scale in (CITY, PROVINCE, REGION, TINY)}
