"""The demo hazard register: a year of hazards in every state, idempotent."""

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command

from safety.choices import HazardAction, HazardLevel, HazardStatus
from safety.models import Hazard, HazardCodeCounter, HazardTransition

pytestmark = pytest.mark.django_db


def test_demo_register_is_plausible_and_idempotent(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    hazards = Hazard.objects.all()
    assert 140 <= hazards.count() <= 160
    assert not hazards.filter(is_demo=False).exists()
    assert set(hazards.values_list("status", flat=True)) == set(HazardStatus.values)
    assert hazards.overdue().exists() and hazards.open().exclude(pk__in=hazards.overdue()).exists()
    assert hazards.filter(level=HazardLevel.MAJOR, status=HazardStatus.CLOSED, signed_off_by__role="leader").exists()
    assert HazardTransition.objects.filter(action=HazardAction.FAIL).exists()
    assert len(set(hazards.values_list("field", flat=True))) == 5
    assert hazards.values("township").distinct().count() >= 15
    assert hazards.values("responsible_unit").distinct().count() >= 5
    for hazard in hazards.filter(status=HazardStatus.CLOSED):
        assert hazard.closed_by_id != hazard.rectification_reported_by_id
    assert HazardCodeCounter.objects.get(year=2020).last_number >= hazards.count()
    entries, transitions = LogEntry.objects.count(), HazardTransition.objects.count()
    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (LogEntry.objects.count(), HazardTransition.objects.count()) == (entries, transitions)
