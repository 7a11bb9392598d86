"""The inspections lists cost as many queries with 3N rows as with N (see tests/plans/test_queries.py)."""

import pytest
from django.urls import reverse

from inspections import services
from tests.factories import UserFactory
from tests.inspections.factories import EnterpriseFactory, InspectionFactory
from tests.plans.test_queries import assert_same_cost

pytestmark = pytest.mark.django_db


def test_inspection_list(login, alice, brigade):
    # session, user, unit (whose flag says whether the user may inspect); the filter's units and enterprises; count, page of
    # inspections (with lead unit and draw); their inspectors, enterprises, projects (three prefetches)
    def add_rows(n):
        for _ in range(n):
            InspectionFactory(
                lead_unit=brigade,
                inspectors=[UserFactory(), UserFactory()],
                enterprises=[EnterpriseFactory(), EnterpriseFactory()],
            )

    assert_same_cost(login(alice), reverse("inspections:inspection_list"), add_rows)


def test_inspection_detail(login, eve, brigade):
    # session, user, unit; the inspection (with unit, draw, recorder); may the user change it; inspectors (with
    # unit); enterprises; projects; findings (with enterprise, project, hazard); the finding form's choices; history
    enterprise = EnterpriseFactory()
    inspection = InspectionFactory(lead_unit=brigade, inspectors=[eve], enterprises=[enterprise])

    def add_rows(n):
        for i in range(n):
            inspection.inspectors.add(UserFactory(unit=brigade))
            services.finding_add(user=eve, inspection=inspection, text=f"问题{i}", enterprise=enterprise)

    assert_same_cost(login(eve), inspection.get_absolute_url(), add_rows)


@pytest.mark.usefixtures("enterprises", "pool")
def test_draw_lists(login, alice, eve, client):
    # internal: session, user, unit (whose flag says whether the user may draw); count, page of draws (with unit, township, maker)
    # public: count, page of draws (with unit and township)
    titles = iter(range(100))

    def add_rows(n):
        for _ in range(n):
            services.draw_make(user=eve, title=f"抽查{next(titles)}", enterprise_count=2, inspectors_per_enterprise=2)

    assert_same_cost(login(alice), reverse("inspections:draw_list"), add_rows)
    assert_same_cost(client, reverse("public_draws:list"), add_rows)
