"""A file is read and checked once: the preview keeps what its rows would write, and the confirmation writes that
without reading the file again — unless something it relied on moved in between (a row it updates was changed,
the user may no longer import, the kept check was tampered with), when the file is checked again."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.imports import checked as kept
from core.imports import runner
from core.imports.views import SESSION_KEY
from safety import services
from safety.models import Hazard
from tests.safety.factories import register_fields

pytestmark = pytest.mark.django_db

HEADERS = "隐患编号,所属领域,隐患等级,隐患来源,乡镇,隐患地点,隐患描述,排查日期,责任单位,整改时限"


def csv(*rows: str) -> bytes:
    return ("\n".join([HEADERS, *rows]) + "\n").encode("utf-8")


def new_row(location: str) -> str:
    return f",道路运输,一般隐患,执法检查,淮川街道,{location},护栏缺失。,2020-04-01,规划建设科,2020-05-01"


@pytest.fixture
def reads(monkeypatch):
    """How many times a file is read into rows."""
    calls = []
    real = runner.read_sheet

    def counting(*args, **kwargs):
        calls.append(kwargs.get("max_rows"))
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "read_sheet", counting)
    return calls


def preview(client, data: bytes):
    response = client.post(reverse("safety:hazard_import"), {"file": SimpleUploadedFile("台账.csv", data)})
    assert response.context["outcome"].ok, [str(issue) for issue in response.context["outcome"].issues]
    return client.session[SESSION_KEY]["safety.hazard"]


def confirm(client, pending):
    return client.post(reverse("safety:hazard_import_confirm"), {"token": pending["token"]})


def full_reads(calls) -> int:
    return sum(1 for max_rows in calls if max_rows is None)


def test_the_confirmation_writes_what_the_preview_checked_without_reading_the_file_again(
    login, alice, unit_a, tmp_media, reads
):
    client = login(alice)
    pending = preview(client, csv(new_row("白沙路"), new_row("金阳大道")))
    assert full_reads(reads) == 1 and not Hazard.objects.exists()
    assert confirm(client, pending).status_code == 302
    assert full_reads(reads) == 1  # not read again
    hazards = Hazard.objects.order_by("code")
    assert [hazard.location for hazard in hazards] == ["白沙路", "金阳大道"]
    assert [hazard.code for hazard in hazards] == ["YH-2020-0001", "YH-2020-0002"]
    assert all(hazard.found_by == alice for hazard in hazards)
    later = services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))
    assert later.code == "YH-2020-0003"  # the counter moved with the confirmed codes
    assert not [path for path in tmp_media.rglob("*") if path.is_file()]  # file and kept check gone


def test_a_row_changed_since_the_preview_makes_the_confirmation_check_the_file_again(
    login, alice, unit_a, tmp_media, reads
):
    hazard = services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a, location="旧址"))
    client = login(alice)
    row = f"{hazard.code},道路运输,一般隐患,执法检查,淮川街道,新址,护栏缺失。,2020-04-01,规划建设科,2020-05-01"
    pending = preview(client, csv(row))
    services.hazard_update(user=alice, hazard=hazard, contingency_plan="有人改过")  # in between
    assert confirm(client, pending).status_code == 302
    assert full_reads(reads) == 2  # checked again
    hazard.refresh_from_db()
    assert (hazard.location, hazard.contingency_plan) == ("新址", "有人改过")


def test_a_row_the_user_may_no_longer_change_is_refused_at_the_confirmation(
    alice, carol, unit_a, unit_b, tmp_media, reads
):
    from safety.resources import HazardResource

    hazard = services.hazard_register(user=carol, **register_fields(responsible_unit=unit_a, location="旧址"))
    row = f"{hazard.code},道路运输,一般隐患,执法检查,淮川街道,新址,护栏缺失。,2020-04-01,规划建设科,2020-05-01"
    preview = runner.run_import(
        resource=HazardResource(user=alice), data=csv(row), fmt="csv", user=alice, dry_run=True, keep_check=True
    )
    assert preview.ok and preview.checked
    alice.unit = unit_b  # moved to another unit in between: unit A's hazards are no longer hers to change
    alice.save()
    outcome = runner.run_import(
        resource=HazardResource(user=alice), data=csv(row), fmt="csv", user=alice, dry_run=False,
        checked=preview.checked,
    )  # fmt: skip
    assert not outcome.ok and full_reads(reads) == 2
    hazard.refresh_from_db()
    assert hazard.location == "旧址"


def test_a_tampered_kept_check_is_never_unpickled_and_the_file_is_checked_again(alice, unit_a, tmp_media):
    from safety.resources import HazardResource

    data = csv(new_row("白沙路"))
    outcome = runner.run_import(
        resource=HazardResource(user=alice), data=data, fmt="csv", user=alice, dry_run=True, keep_check=True
    )
    assert outcome.ok and outcome.checked
    assert kept.load(outcome.checked) is not None
    outcome.checked.seek(0)
    blob = outcome.checked.read()
    tampered = io.BytesIO(blob[:-1] + bytes([blob[-1] ^ 1]))
    assert kept.load(tampered) is None
    assert kept.load(io.BytesIO(blob[:10])) is None  # cut short
    other = runner.run_import(
        resource=HazardResource(user=alice), data=csv(new_row("金阳大道")), fmt="csv", user=alice, dry_run=False,
        checked=outcome.checked,
    )  # fmt: skip
    assert other.ok  # a check kept for another file is not used for this one
    assert list(Hazard.objects.values_list("location", flat=True)) == ["金阳大道"]
