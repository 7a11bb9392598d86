"""The dashboard is a fixed number of aggregate queries, whatever the data."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboard import selectors
from dashboard.cache import new_generation

# dashboard_figures:
#   1 key tasks with their measures' counts
#   2-5 units: measures led, measures cooperated on (not led), returned reports, the units with their leaders
#   6-8 investment: projects per category, planned per category, completed per category and month
#   9 projects behind schedule                          10 blockers by category
#   11 hazards of the year by field and level           12 inspections this month      13 draws this month
#   14 monitoring: last month's rollups                15 supervision notices awaiting a reply
#   16-17 the years to choose from (work plans, investment plans)
FIGURE_QUERIES = 17


def test_the_figures_take_a_fixed_number_of_queries(world, django_assert_num_queries):
    with django_assert_num_queries(FIGURE_QUERIES):
        selectors.dashboard_figures(2020)


def test_more_data_takes_no_more_queries(more_data, django_assert_num_queries):
    with django_assert_num_queries(FIGURE_QUERIES):
        figures = selectors.dashboard_figures(2020)
    assert figures.plan.total == 36 and len(figures.projects.by_category) == 5


def page_queries(client) -> tuple[int, bool]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard:dashboard"))
    return len(queries), response.context["from_cache"]


def test_the_page_takes_a_fixed_number_of_queries(request, login, leo, world):
    """Counted: the page's own queries (session, user, default year, what base.html asks) and the figures'; from
    the cache: only the page's own. The same again with many more rows."""
    client = login(leo)
    counted, from_cache = page_queries(client)
    assert from_cache is False
    cached, from_cache = page_queries(client)
    assert from_cache is True and counted - cached == FIGURE_QUERIES
    request.getfixturevalue("more_data")
    new_generation()
    assert page_queries(client) == (counted, False)
    assert page_queries(client) == (cached, True)
