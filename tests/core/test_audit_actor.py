"""The audit actor: a service's ``set_actor`` inside another (the request's, an import job's) gives the enclosing
actor back, so what is written after it is still recorded under the enclosing actor, even when both were opened
in the same instant (auditlog tells its contexts apart by the time)."""

import pytest
import time_machine
from auditlog.models import LogEntry

from core.audit import set_actor
from organisation.models import Township

pytestmark = pytest.mark.django_db


@time_machine.travel("2020-06-05 09:30", tick=False)
def test_writes_after_an_inner_actor_are_recorded_under_the_enclosing_one(alice, carol):
    with set_actor(alice):
        with set_actor(carol):
            inner = Township.objects.create(name="测试镇甲")
        after = Township.objects.create(name="测试镇乙")
    outside = Township.objects.create(name="测试镇丙")
    actors = {
        township.name: LogEntry.objects.get_for_object(township).get().actor for township in (inner, after, outside)
    }
    assert actors == {"测试镇甲": carol, "测试镇乙": alice, "测试镇丙": None}
