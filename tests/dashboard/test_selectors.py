"""The dashboard's figures on known data (tests/dashboard/conftest.py describes it)."""

import datetime
from decimal import Decimal

from dashboard import selectors
from tests.dashboard.conftest import TODAY


def test_key_tasks_count_done_overdue_and_on_time(world):
    figures = selectors.dashboard_figures(2020)
    task1, task2 = figures.key_tasks
    assert (task1.number, task1.total, task1.completed, task1.overdue) == (1, 4, 1, 1)
    # Due so far and not cancelled: m1 (completed) and m2 (overdue) → 50 %.
    assert task1.on_time_rate == 50.0
    assert (task2.total, task2.completed, task2.overdue) == (2, 1, 1)
    # m5 is completed but not yet due; m6 is due and overdue → 0 %.
    assert task2.on_time_rate == 0.0
    assert task1.done_rate == 25.0
    assert (figures.plan.total, figures.plan.completed, figures.plan.overdue) == (6, 2, 2)
    assert figures.plan.on_time_rate == 33.3


def test_average_progress_feeds_the_progress_bars(world):
    task1, task2 = selectors.dashboard_figures(2020).key_tasks
    assert task1.average_progress == round((100 + 10 + 10 + 10) / 4, 1)
    assert task2.average_progress == 50.0


def test_a_year_without_a_plan_has_no_key_tasks(world):
    figures = selectors.dashboard_figures(2021)
    assert figures.key_tasks == [] and not figures.has_plan
    assert figures.plan.on_time_rate is None


def test_units_count_led_and_cooperating_measures_and_are_ranked(world, unit_a, unit_b, leo):
    units = {unit.pk: unit for unit in selectors.dashboard_figures(2020).units}
    a, b = units[unit_a.pk], units[unit_b.pk]
    assert (a.measures, a.overdue, a.returned) == (3, 1, 0)  # m1, m2 and m3 (cooperating); m2 overdue
    assert (b.measures, b.overdue, b.returned) == (4, 1, 1)  # m3, m4, m5, m6; m6 overdue, its report returned
    assert a.leader == str(leo)
    # Ranked by overdue measures, then returned reports: B before A.
    assert (b.rank, a.rank) == (1, 2)


def test_project_investment_by_category_and_month(world):
    projects = selectors.dashboard_figures(2020).projects
    by_category = {row.key: row for row in projects.by_category}
    assert by_category["trunk_road"].projects == 2
    assert by_category["trunk_road"].planned == Decimal("1200.00")
    assert by_category["trunk_road"].completed == Decimal("150.00")  # the draft's 999 is not counted
    assert by_category["rural_road"].planned == Decimal("800.00")
    assert projects.planned == Decimal("2000.00") and projects.completed == Decimal("150.00")
    assert projects.rate == 7.5
    months = {month.month: month for month in projects.months}
    assert months[datetime.date(2020, 5, 1)].completed == Decimal("100.00")
    assert months[datetime.date(2020, 6, 1)].completed_cumulative == Decimal("150.00")
    assert months[datetime.date(2020, 12, 1)].planned_cumulative == Decimal("2000.00")


def test_projects_behind_schedule_and_blockers(world):
    projects = selectors.dashboard_figures(2020).projects
    assert projects.behind_schedule == 2  # p2 past its planned finish, p3 with an overdue milestone
    assert [(row.key, row.count) for row in projects.blockers] == [("land", 1)]  # the draft's blocker is not counted


def test_safety_by_field_open_major_and_this_month(world):
    safety = selectors.dashboard_figures(2020).safety
    by_field = {row.key: row for row in safety.by_field}
    road = by_field["road_transport"]
    assert (road.total, road.open, road.closed, road.overdue) == (2, 1, 1, 1)
    bridges = by_field["highways_bridges"]
    assert (bridges.total, bridges.open, bridges.closed, bridges.overdue) == (2, 2, 0, 1)
    assert by_field["waterways"].total == 0  # the 2019 hazard belongs to 2019
    totals = safety.totals
    assert (totals.total, totals.open, totals.closed, totals.overdue) == (4, 3, 1, 2)
    assert totals.rate == Decimal("25.0")
    assert safety.open_major == 2
    assert (safety.inspections_this_month, safety.draws_this_month) == (1, 1)
    assert (safety.month, safety.month_end) == (datetime.date(2020, 9, 1), datetime.date(2020, 9, 30))


def test_safety_figures_match_the_zero_out_selector(world):
    """The dashboard counts hazards as the 隐患清零 page does."""
    from safety.selectors import hazard_zero_out

    zero_out = hazard_zero_out(year=2020, today=TODAY)
    safety = selectors.dashboard_figures(2020).safety
    assert [(r.key, r.total, r.open, r.closed, r.overdue) for r in safety.by_field] == [
        (r.key, r.total, r.open, r.closed, r.overdue) for r in zero_out.by_field
    ]
    assert safety.open_major == len(zero_out.open_major)


def test_years_to_choose_from(world):
    assert selectors.dashboard_years(TODAY) == [2020, 2019]


def test_chart_data_carries_the_figures(world):
    figures = selectors.dashboard_figures(2020)
    charts = selectors.dashboard_chart_data(figures)
    assert charts["key_tasks"]["completed"] == [1, 1]
    assert charts["key_tasks"]["overdue"] == [1, 1]
    assert charts["key_tasks"]["open"] == [2, 0]
    assert charts["hazards_by_field"]["overdue"][:2] == [1, 1]
    assert sum(charts["investment_by_category"]["planned"]) == 2000.0
    assert charts["blockers"] == [{"name": figures.projects.blockers[0].label, "value": 1}]
