"""The dashboard page: who may see it, where leaders land, and that every figure agrees with the list it links to."""

from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from dashboard import selectors

DASHBOARD = reverse("dashboard:dashboard")


# Who may see it -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["alice", "carol", "bob", "dave"])
def test_staff_and_unit_heads_are_refused(request, login, persona):
    client = login(request.getfixturevalue(persona))
    assert client.get(DASHBOARD).status_code == 403
    assert client.get(reverse("dashboard:key_tasks"), {"offset": "10"}).status_code == 403
    assert client.get(reverse("dashboard:units"), {"offset": "10"}).status_code == 403
    assert client.get(reverse("dashboard:briefing", args=["xlsx"])).status_code == 403
    assert client.get(reverse("dashboard:briefing", args=["pdf"])).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and reverse("login") in response.url


@pytest.mark.parametrize("persona", ["leo", "admin_user"])
def test_leaders_and_administrators_see_it(request, login, persona, world):
    response = login(request.getfixturevalue(persona)).get(DASHBOARD)
    assert response.status_code == 200
    assert response.context["figures"].year == 2020


def test_the_navigation_shows_the_dashboard_to_leaders_only(login, leo, alice, carol):
    assert 'id="nav-dashboard"' in login(leo).get(reverse("plans:measure_list")).content.decode()
    for persona in (alice, carol):
        assert 'id="nav-dashboard"' not in login(persona).get(reverse("plans:measure_list")).content.decode()


def test_leaders_land_on_the_dashboard_and_others_on_the_plan(login, leo, alice, admin_user):
    assert login(leo).get(reverse("home")).url == DASHBOARD
    assert login(alice).get(reverse("home")).url == reverse("todo:todo_list")  # staff: their to-do
    assert login(admin_user).get(reverse("home")).url == reverse("plans:plan_current")


def test_the_year_selector(login, leo, world):
    client = login(leo)
    assert client.get(DASHBOARD, {"year": "2019"}).context["figures"].year == 2019
    assert client.get(DASHBOARD, {"year": "nonsense"}).context["figures"].year == 2020
    page = client.get(DASHBOARD).content.decode()
    assert 'id="year-select"' in page and '<option value="2019">' in page


def test_the_wall_display_mode(login, leo, world):
    page = login(leo).get(DASHBOARD, {"wall": "1"}).content.decode()
    assert "dashboard dashboard-wall" in page and 'id="fullscreen-toggle"' in page


# Every figure agrees with its list ------------------------------------------------------------------------------


class FigureLinks(HTMLParser):
    """The dashboard's linked figures: <a class="figure-link" data-figure data-count [data-planned ...] href>."""

    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and "figure-link" in (attributes.get("class") or "").split():
            self.links.append(attributes)


def figure_links(html: str) -> list[dict]:
    parser = FigureLinks()
    parser.feed(html)
    return parser.links


def assert_figures_agree(client, links: list[dict]) -> int:
    """Each linked figure is the count of the list it opens; returns how many are not zero."""
    nonzero = 0
    for link in links:
        response = client.get(link["href"])
        assert response.status_code == 200, link
        shown = response.context["page_obj"].paginator.count
        assert shown == int(link["data-count"]), (link["data-figure"], link["href"], shown)
        nonzero += shown > 0
        if "data-planned" in link:  # the project list's totals for the year
            totals = response.context["totals"]
            assert (totals["planned"] or Decimal("0")) == Decimal(link["data-planned"]), link
            assert (totals["completed"] or Decimal("0")) == Decimal(link["data-completed"]), link
    return nonzero


def test_every_linked_figure_agrees_with_its_list(login, leo, world):
    client = login(leo)
    links = figure_links(client.get(DASHBOARD).content.decode())
    kinds = {link["data-figure"] for link in links}
    assert {
        "measures-completed",
        "measures-total",
        "measures-overdue",
        "task-total",
        "task-completed",
        "task-overdue",
        "unit-measures",
        "unit-overdue",
        "investment-rate",
        "category-projects",
        "projects-behind",
        "hazards-total",
        "hazards-open-major",
        "field-total",
        "field-open",
        "field-closed",
        "field-overdue",
        "hazards-open",
        "hazards-closed",
        "hazards-overdue",
        "inspections-month",
        "draws-month",
        "blocker-projects",
        "monitoring-alarms",
        "monitoring-notices",
    } <= kinds
    assert assert_figures_agree(client, links) >= 20  # the comparison is not between zeros


def test_long_lists_show_a_page_and_load_the_rest_on_demand(login, leo, more_data):
    """12 key tasks: the page shows the first 10 and a button; the next page (htmx, in the button's place) the
    other 2 and no button — and their figures agree with the lists they open too."""
    client = login(leo)
    page = client.get(DASHBOARD).content.decode()
    assert page.count("data-key-task=") == selectors.ROWS_SHOWN and 'id="key-tasks-more"' in page
    assert f'hx-get="{reverse("dashboard:key_tasks")}?year=2020&amp;offset=10"' in page
    rest = client.get(reverse("dashboard:key_tasks"), {"year": "2020", "offset": "10"})
    assert rest.status_code == 200
    rows = rest.content.decode()
    assert rows.count("data-key-task=") == 2 and "key-tasks-more" not in rows
    assert assert_figures_agree(client, figure_links(rows)) >= 2


def test_the_rows_loaded_on_demand_take_a_fixed_number_of_queries(login, leo, more_data, django_assert_num_queries):
    """From the page's cached figures: the session and the user only, whatever the rows."""
    client = login(leo)
    client.get(DASHBOARD)
    with django_assert_num_queries(2):
        client.get(reverse("dashboard:units"), {"year": "2020", "offset": "10"})
    with django_assert_num_queries(2):
        client.get(reverse("dashboard:key_tasks"), {"year": "2020", "offset": "10"})


def test_the_figures_link_to_the_lists_with_their_filters(login, leo, world):
    links = {
        link["data-figure"] + (parse_qs(urlsplit(link["href"]).query).get("key_task") or [""])[0]: link
        for link in figure_links(login(leo).get(DASHBOARD).content.decode())
    }
    overdue = links[f"task-overdue{world.task1.pk}"]
    assert urlsplit(overdue["href"]).path == reverse("plans:measure_list")
    assert parse_qs(urlsplit(overdue["href"]).query) == {"key_task": [str(world.task1.pk)], "overdue": ["true"]}
    assert overdue["data-count"] == "1"
    open_major = parse_qs(urlsplit(links["hazards-open-major"]["href"]).query)
    assert open_major == {"year": ["2020"], "level": ["major"], "open": ["true"]}
    draws = links["draws-month"]
    assert urlsplit(draws["href"]).path == reverse("inspections:draw_list")
    assert parse_qs(urlsplit(draws["href"]).query) == {"month": ["2020-09"]}
    assert draws["data-count"] == "1"  # 2 September; not the 1 August one
    blockers = links["blocker-projects"]  # the only one: the draft's funding blocker does not count
    assert urlsplit(blockers["href"]).path == reverse("projects:project_list")
    assert parse_qs(urlsplit(blockers["href"]).query) == {"year": ["2020"], "blocker": ["land"]}
    assert blockers["data-count"] == "1"


def test_returned_reports_have_no_list_to_click_through_to(login, leo, world):
    """The returned reports per unit stay plain figures: plans has no list of progress reports, and the measure
    list has no filter that counts reports (a measure may have several returned ones)."""
    page = login(leo).get(DASHBOARD).content.decode()
    assert 'data-figure="unit-returned"' in page
    assert not [link for link in figure_links(page) if link["data-figure"] == "unit-returned"]
