"""``core.views.KeysFirstPaginator`` gives the same pages as Django's paginator, in the same order, with the rows'
joins and annotations: it only reads them in two steps (the page's keys, then its rows)."""

import pytest
from django.core.paginator import Paginator

from core.views import KeysFirstPaginator
from plans.models import Measure
from tests.factories import LeaderFactory, MeasureFactory

pytestmark = pytest.mark.django_db


def test_every_page_is_the_plain_paginators_page(leo):
    for _ in range(8):
        MeasureFactory(responsible_leader=LeaderFactory())
    rows = Measure.objects.restrict(leo).for_list().with_overdue()
    plain, keys_first = Paginator(rows, 3, orphans=1), KeysFirstPaginator(rows, 3, orphans=1)
    assert keys_first.num_pages == plain.num_pages == 3
    for number in plain.page_range:
        expected, page = plain.page(number), keys_first.page(number)
        assert [m.pk for m in page] == [m.pk for m in expected]
        assert [(m.overdue, m.key_task.plan.year, m.lead_unit_id) for m in page] == [
            (m.overdue, m.key_task.plan.year, m.lead_unit_id) for m in expected
        ]
        assert (page.has_next(), page.start_index(), page.end_index()) == (
            expected.has_next(),
            expected.start_index(),
            expected.end_index(),
        )
    assert len(keys_first.page(3)) == 2  # the last page takes the orphan: 3 + 3 + 2
