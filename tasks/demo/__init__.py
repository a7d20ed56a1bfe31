"""The 2018 Zhumadian demo: the plenary meeting of 2018-04-09 and the year up to 2018-09-30."""

from .build import DEMO_DATE, DEMO_LOGINS, DEMO_PASSWORD, build_demo
from .proposals import build_proposals_demo

__all__ = ["DEMO_DATE", "DEMO_LOGINS", "DEMO_PASSWORD", "build_demo", "build_proposals_demo"]
