from decimal import Decimal

from tasks.choices import Direction
from tasks.measures import percent_of_goal, value_at_fraction


def test_an_amount_without_baseline_is_a_plain_ratio():
    assert percent_of_goal(Decimal(300), goal=Decimal(400), baseline=None, direction=Direction.HIGHER) == Decimal(
        "75.0"
    )


def test_a_baseline_counts_only_the_distance_covered():
    assert percent_of_goal(Decimal(110), goal=Decimal(120), baseline=Decimal(100), direction=Direction.HIGHER) == 50


def test_lower_is_better_counts_the_reduction():
    result = percent_of_goal(Decimal("0.9"), goal=Decimal("0.8"), baseline=Decimal("1.0"), direction=Direction.LOWER)
    assert result == 50


def test_progress_is_kept_within_0_and_100():
    assert percent_of_goal(Decimal(500), goal=Decimal(400), baseline=None, direction=Direction.HIGHER) == 100
    assert percent_of_goal(Decimal(90), goal=Decimal(120), baseline=Decimal(100), direction=Direction.HIGHER) == 0


def test_planned_value_runs_in_a_straight_line_from_the_baseline():
    assert value_at_fraction(Decimal("0.5"), goal=Decimal(120), baseline=Decimal(100)) == Decimal(110)
    assert value_at_fraction(Decimal("0.25"), goal=Decimal(300), baseline=None) == Decimal(75)
