"""Rows that come in by bulk import raise the events their page equivalent raises, through the same path
(issue 14): monthly progress imported (submitted for review) tells the project unit's head, exactly as
submitting it on its page does — and a preview (dry run) tells nobody.

Personas (tests/personas.py): alice staff and carol head of unit A, bob staff and dave head of unit B."""

import datetime
from decimal import Decimal

import pytest

from events.choices import EventKind
from events.models import Event
from projects import services
from projects.resources import ProgressResource
from tests.projects.factories import ProjectFactory
from tests.projects.test_import import progress_row, run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def project_a(unit_a, leo):
    return ProjectFactory(name="金阳大道三期", responsible_unit=unit_a, leader=leo, total_investment=Decimal("1000"))


@pytest.fixture
def project_b(unit_b, leo):
    return ProjectFactory(name="东南旅游干线", responsible_unit=unit_b, leader=leo, total_investment=Decimal("2000"))


def raised(kind) -> list[tuple[str, list[int]]]:
    return [(e.item_key, e.recipient_ids) for e in Event.objects.filter(kind=kind).order_by("pk")]


def test_imported_monthly_progress_tells_the_units_head_as_the_page_does(alice, carol, bob, dave, project_a):
    outcome = run(
        ProgressResource, alice, [progress_row(project_a, "2020-04", 100), progress_row(project_a, "2020-05")]
    )
    assert outcome.ok, [str(i) for r in outcome.rows for i in r.issues]
    months = list(project_a.progress.order_by("month").values_list("pk", flat=True))
    assert raised(EventKind.PROGRESS_SUBMITTED) == [
        (f"projects.monthlyprogress:{pk}", [carol.pk])
        for pk in months  # the head; not the author, not unit B
    ]
    on_the_page = services.progress_create(
        user=alice, project=project_a, month=datetime.date(2020, 6, 1), investment=Decimal("1"),
        physical_progress=30, submit=True,
    )  # fmt: skip
    assert raised(EventKind.PROGRESS_SUBMITTED)[-1] == (f"projects.monthlyprogress:{on_the_page.pk}", [carol.pk])


def test_a_preview_of_the_import_tells_nobody(alice, carol, project_a):
    outcome = run(ProgressResource, alice, [progress_row(project_a, "2020-04", 100)], dry_run=True)
    assert outcome.ok
    assert not Event.objects.exists()


def test_a_refused_file_tells_nobody(alice, carol, project_a, project_b):
    outcome = run(ProgressResource, alice, [progress_row(project_a, "2020-04"), progress_row(project_b, "2020-04")])
    assert not outcome.ok  # project_b is unit B's: the whole file is refused
    assert not Event.objects.exists()
