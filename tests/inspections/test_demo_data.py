import pytest

import emergency.demo
import enterprises.demo
import inspections.demo
import organisation.demo
import projects.demo
from inspections import services
from inspections.choices import InspectionKind
from inspections.models import ConflictOfInterest, Draw, Finding, Inspection, Inspector

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (Inspector, ConflictOfInterest, Inspection, Finding, Draw)]


def test_demo_inspections_and_draws_load_twice_unchanged_and_reproduce():
    organisation.demo.load()
    projects.demo.load()
    enterprises.demo.load()
    inspections.demo.load()
    emergency.demo.load()
    first = counts()
    assert set(Inspection.objects.values_list("kind", flat=True)) == set(InspectionKind.values)
    assert Draw.objects.count() == 3 and all(services.draw_verify(draw) for draw in Draw.objects.all())
    assert Inspection.objects.filter(date__year=2020).count() == Inspection.objects.count()
    assert not Inspection.objects.filter(is_demo=False).exists()
    seeds = list(Draw.objects.values_list("seed", "result"))
    inspections.demo.load()
    assert counts() == first
    assert list(Draw.objects.values_list("seed", "result")) == seeds
