"""Uploads are stored under a generated name (a dated folder, a random name, the original's extension when it is a
plain one) so that a long Chinese file name (84 characters are 252 bytes, past the file system's 255 with the
extension) is accepted; the original name is kept and is the name the file is served under (RFC 5987 filename*)."""

import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from emergency.models import DrillPhoto
from plans.models import ProgressReport, ReportAttachment
from projects.models import ProgressPhoto
from safety import services as safety_services
from safety.models import HazardLedger, HazardPhoto
from tests.factories import pdf_upload
from tests.plans.test_views import report_post
from tests.safety.factories import png_upload, register_fields

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tmp_media")]

LONG_NAME = "浏阳市交通运输局" * 12 + "进度材料"  # 100 characters, 300 bytes in UTF-8
GENERATED = r"[0-9]{4}/[0-9]{2}/[0-9a-f]{32}"


def test_a_report_attachment_with_a_long_chinese_name_is_kept_and_downloaded_under_it(login, alice, measure_a):
    client = login(alice)
    response = client.post(
        reverse("plans:report_create", args=[measure_a.pk]), report_post(attachments=pdf_upload(f"{LONG_NAME}.pdf"))
    )
    assert response.status_code == 302
    attachment = ProgressReport.objects.get().attachments.get()
    assert attachment.original_name == f"{LONG_NAME}.pdf"
    assert re.fullmatch(rf"reports/{GENERATED}\.pdf", attachment.file.name)
    download = client.get(reverse("plans:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200
    assert f"filename*=utf-8''{quote(f'{LONG_NAME}.pdf')}" in download["Content-Disposition"]
    assert download["Content-Disposition"].startswith("attachment")


def test_a_hazard_photo_is_served_under_its_original_name(login, alice, unit_a):
    hazard = safety_services.hazard_register(
        user=alice, photos=[png_upload(f"{LONG_NAME}.png")], **register_fields(responsible_unit=unit_a)
    )
    photo = hazard.photos.get()
    assert re.fullmatch(rf"hazards/{GENERATED}\.png", photo.file.name)
    response = login(alice).get(photo.get_absolute_url())
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert f"filename*=utf-8''{quote(f'{LONG_NAME}.png')}" in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("model", "folder"),
    [
        (ReportAttachment, "reports"),
        (ProgressPhoto, "projects"),
        (DrillPhoto, "drills"),
        (HazardPhoto, "hazards"),
        (HazardLedger, "safety/ledgers"),
    ],
)
@pytest.mark.parametrize(
    ("name", "extension"),
    [(f"{LONG_NAME}.PDF", ".pdf"), ("照片.jpeg", ".jpeg"), ("没有扩展名", ""), ("x.p d;f", ""), ("x." + "a" * 20, "")],
)
def test_every_upload_is_stored_under_a_generated_name(model, folder, name, extension):
    stored = model._meta.get_field("file").generate_filename(model(), name)
    assert re.fullmatch(rf"{re.escape(folder)}/{GENERATED}{re.escape(extension)}", stored)
