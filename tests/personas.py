"""Named people, so that every refusal test reads like a sentence (imported by conftest.py).

- alice: staff of unit A (规划建设科);   carol: head of unit A
- bob:   staff of unit B (安全应急科, which supervises safety);   dave: head of unit B
- leo:   a bureau leader overseeing both; admin: the portal's administrator
"""

import pytest

from organisation.models import User
from tests.factories import AdministratorFactory, LeaderFactory, MeasureFactory, UnitFactory, UserFactory


@pytest.fixture
def leo(db):
    return LeaderFactory(username="leo", full_name="李局长")


@pytest.fixture
def unit_a(db, leo):
    return UnitFactory(name="规划建设科", short_name="规建科", overseeing_leader=leo)


@pytest.fixture
def unit_b(db, leo):
    return UnitFactory(name="安全应急科", short_name="安全科", overseeing_leader=leo, supervises_safety=True)


@pytest.fixture
def alice(unit_a):
    return UserFactory(username="alice", full_name="孙爱丽", unit=unit_a)


@pytest.fixture
def carol(unit_a):
    return UserFactory(username="carol", full_name="赵卡萝", unit=unit_a, role=User.Role.UNIT_HEAD)


@pytest.fixture
def bob(unit_b):
    return UserFactory(username="bob", full_name="周波", unit=unit_b)


@pytest.fixture
def dave(unit_b):
    return UserFactory(username="dave", full_name="杨大卫", unit=unit_b, role=User.Role.UNIT_HEAD)


@pytest.fixture
def admin_user(db):
    return AdministratorFactory(username="admin", full_name="系统管理员")


@pytest.fixture
def measure_a(unit_a, leo):
    return MeasureFactory(lead_unit=unit_a, responsible_leader=leo, title="做好规划编制")


@pytest.fixture
def measure_b(unit_b, leo):
    return MeasureFactory(lead_unit=unit_b, responsible_leader=leo, title="完善隐患排查治理体系")


@pytest.fixture
def login(client):
    """Log a persona in on the test client: ``login(alice)``."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


# --- Reports and files (tests/plans) -------------------------------------------------------------------------------
# draft_a: alice's draft report on measure_a (June 2020); submitted_a: her report for May 2020, waiting for carol.


@pytest.fixture
def draft_a(alice, measure_a):
    import datetime

    from tests.factories import ProgressReportFactory

    return ProgressReportFactory(measure=measure_a, author=alice, month=datetime.date(2020, 6, 1))


@pytest.fixture
def submitted_a(alice, measure_a):
    import datetime

    from tests.factories import ProgressReportFactory

    return ProgressReportFactory(measure=measure_a, author=alice, month=datetime.date(2020, 5, 1), submitted=True)


@pytest.fixture
def tmp_media(settings, tmp_path):
    """Uploaded files go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
