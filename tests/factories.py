"""Test data factories (factory_boy)."""

import datetime

import factory

from core.choices import ReviewState
from organisation.models import Unit, User
from plans.choices import MeasureStatus
from plans.models import Checkpoint, KeyTask, Measure, ProgressReport, WorkPlan

PASSWORD = "Test-pass-2020"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"测试科室{n}")
    short_name = factory.LazyAttribute(lambda unit: unit.name[:30])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = User.Role.STAFF
    unit = factory.SubFactory(UnitFactory)
    password = factory.django.Password(PASSWORD)


class LeaderFactory(UserFactory):
    role = User.Role.LEADER
    unit = None


class AdministratorFactory(UserFactory):
    role = User.Role.ADMIN
    unit = None
    is_staff = True
    is_superuser = True


class WorkPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkPlan
        django_get_or_create = ["year"]

    year = 2020
    title = factory.LazyAttribute(lambda plan: f"浏阳市交通运输局{plan.year}年工作计划")
    published = True


class KeyTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyTask

    plan = factory.SubFactory(WorkPlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"重点工作{n}")


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    key_task = factory.SubFactory(KeyTaskFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"举措{n}")
    text = factory.LazyAttribute(lambda measure: f"{measure.title}。具体内容。")
    lead_unit = factory.SubFactory(UnitFactory)
    start_date = datetime.date(2020, 4, 1)
    due_date = datetime.date(2020, 12, 31)
    status = MeasureStatus.IN_PROGRESS
    progress = 10


class CheckpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Checkpoint

    measure = factory.SubFactory(MeasureFactory)
    title = "阶段目标"
    due_date = datetime.date(2020, 6, 30)


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    measure = factory.SubFactory(MeasureFactory)
    month = datetime.date(2020, 5, 1)
    text = "本月按计划推进。"
    progress = 40
    author = factory.SubFactory(UserFactory, unit=factory.SelfAttribute("..measure.lead_unit"))
    state = ReviewState.DRAFT

    class Params:
        submitted = factory.Trait(
            state=ReviewState.SUBMITTED,
            submitted_at=factory.LazyFunction(lambda: datetime.datetime(2020, 5, 25, 2, tzinfo=datetime.UTC)),
        )


# --- Reports' parts, comments and uploads (tests/plans) ------------------------------------------------------------

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    """An uploaded file as a form or a service receives it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf_upload(name: str = "进度材料.pdf"):
    """A small file that really is a PDF."""
    return upload(name, PDF_BYTES, "application/pdf")


class ReportProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plans.ReportProblem"

    report = factory.SubFactory(ProgressReportFactory)
    category = "funding"
    description = "资金缺口较大"


class ReportAttachmentFactory(factory.django.DjangoModelFactory):
    """Writes a file under MEDIA_ROOT: use with the ``tmp_media`` fixture."""

    class Meta:
        model = "plans.ReportAttachment"

    report = factory.SubFactory(ProgressReportFactory)
    file = factory.LazyFunction(pdf_upload)
    original_name = "进度材料.pdf"
    size = len(PDF_BYTES)
    uploaded_by = factory.SelfAttribute("report.author")


class MeasureCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plans.MeasureComment"

    measure = factory.SubFactory(MeasureFactory)
    author = factory.SubFactory(LeaderFactory)
    text = "请加快推进。"
