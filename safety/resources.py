"""Import and export of the hazard register (Excel / CSV), through the shared mechanism in core/imports.

- A row with an empty code registers a new hazard (the importing user is its registrant; the system gives it the
  next code of its found date's year). A row with a code updates that hazard's register data and five fixes; an
  unknown code is a row error (codes are never chosen by hand).
- The import writes register data only: the status (and the overdue flag, the registrant) are exported for
  reference and never imported. A hazard's status moves only through the workflow services, whatever the door.
- Who: any bureau user may import new hazards (anyone may register one); a changed existing row needs the right
  to change that hazard (``Hazard.objects.restrict(user, "change")``: open hazards of the user's unit, …). A row
  that changes nothing is allowed whoever's hazard it is, so that an export can be edited and imported back.
- Lookups (townships, units, enterprises, projects, vehicles, the file's existing hazards) are loaded once per
  import, never per row; codes are taken from the per-year counters once per year (``CodeAllocator``), on both
  the normal path (``do_instance_save``) and the bulk path (``before_bulk_write``).
"""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from import_export import widgets
from import_export.fields import Field

from core.imports.resources import PortalModelResource, add_error
from core.imports.widgets import ChoiceWidget, DateWidget, NameForeignKeyWidget, TextWidget, YesNoWidget, clean_text
from core.writes import RowCheckWrites
from enterprises.models import Enterprise, Vehicle
from enterprises.validators import normalise_plate
from organisation.imports import township_widget, unit_widget
from projects.models import Project

from . import services
from .choices import HazardField, HazardLevel, HazardSource, HazardStatus
from .models import Hazard
from .querysets import may_import_ledger, may_register
from .services import CodeAllocator

_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


# Other words the bureaus' ledgers write the choices with (the labels and codes are always recognised).
FIELD_SYNONYMS = {
    HazardField.ROAD_TRANSPORT: ("道路运输领域", "道路运输行业", "道路运输安全"),
    HazardField.HIGHWAYS_BRIDGES: ("公路", "桥梁", "公路领域", "公路及桥梁", "公路和桥梁", "公路桥梁领域"),
    HazardField.CONSTRUCTION: ("工程建设领域", "交通建设工程", "在建工程", "建设工程", "公路水运工程"),
    HazardField.WATERWAYS: ("水上交通", "水路运输", "水运", "水上运输", "水路交通领域"),
    HazardField.RAILWAY_LINES: ("铁路沿线环境", "铁路沿线安全环境", "铁路沿线领域"),
}
LEVEL_SYNONYMS = {
    HazardLevel.GENERAL: ("一般隐患", "一般事故隐患", "一般安全隐患", "一般级"),
    HazardLevel.MAJOR: ("重大隐患", "重大事故隐患", "重大安全隐患", "重大级"),
}
SOURCE_SYNONYMS = {
    HazardSource.INSPECTION: ("检查", "执法检查", "监督检查", "排查发现", "日常检查", "专项检查"),
    HazardSource.SELF_CHECK: ("自查", "自查自纠", "企业自查自纠"),
    HazardSource.PUBLIC_REPORT: ("举报", "投诉举报", "群众投诉", "12328"),
    HazardSource.ASSIGNED: ("交办", "上级督办", "上级转办", "督办"),
}
# 已整改 in a ledger means the work is done and closed out; one awaiting a check is written 待验收.
LEDGER_STATUS_SYNONYMS = {
    HazardStatus.PENDING: ("未整改", "未开始", "尚未整改"),
    HazardStatus.RECTIFYING: ("正在整改", "整改推进中", "未完成", "整改未完成"),
    HazardStatus.VERIFYING: ("已整改待验收", "整改完成待验收", "待复查"),
    HazardStatus.CLOSED: ("已整改", "整改完成", "已完成", "已验收", "销号", "已闭环"),
}


class FundsWidget(widgets.Widget):
    """An amount in 万元, at most two decimals, not negative; an empty cell is 0."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
        text = str(value) if isinstance(value, int | float | Decimal) else clean_text(value).replace(",", "")
        if not text:
            return Decimal("0.00")
        if not _NUMBER.match(text):
            raise ValueError(_("“%(value)s” is not a number.") % {"value": clean_text(value)})
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": clean_text(value)}) from None
        if amount < 0:
            raise ValueError(_("%(value)s is negative; funds must not be negative.") % {"value": text})
        rounded = amount.quantize(Decimal("0.01"))
        if rounded != amount:
            raise ValueError(_("%(value)s has more than two decimals.") % {"value": text})
        if len(rounded.as_tuple().digits) > 14:
            raise ValueError(_("%(value)s is too large.") % {"value": text})
        return rounded

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return None if kwargs.get("force_native_type") else ""
        if kwargs.get("force_native_type"):
            return float(value)
        return f"{value:.2f}"


class HazardResource(PortalModelResource):
    code = Field(
        attribute="code", column_name=pgettext_lazy("import column", "Hazard code"), widget=TextWidget(), readonly=True
    )
    field = Field(
        attribute="field",
        column_name=pgettext_lazy("import column", "Field"),
        widget=ChoiceWidget(HazardField, synonyms=FIELD_SYNONYMS),
    )
    level = Field(
        attribute="level",
        column_name=pgettext_lazy("import column", "Level"),
        widget=ChoiceWidget(HazardLevel, synonyms=LEVEL_SYNONYMS),
    )
    source = Field(
        attribute="source",
        column_name=pgettext_lazy("import column", "Source"),
        widget=ChoiceWidget(HazardSource, synonyms=SOURCE_SYNONYMS),
    )
    township = Field(
        attribute="township",
        column_name=pgettext_lazy("import column", "Township"),
        widget=township_widget(required=True),
    )
    location = Field(
        attribute="location", column_name=pgettext_lazy("import column", "Location"), widget=TextWidget(required=True)
    )
    enterprise = Field(
        attribute="enterprise",
        column_name=pgettext_lazy("import column", "Enterprise"),
        widget=NameForeignKeyWidget(Enterprise.objects.all(), keys=("name", "credit_code"), render_attr="name"),
    )
    project = Field(
        attribute="project",
        column_name=pgettext_lazy("import column", "Project"),
        widget=NameForeignKeyWidget(Project.objects.all(), keys=("name", "code"), render_attr="name"),
    )
    vehicle = Field(
        attribute="vehicle",
        column_name=pgettext_lazy("import column", "Vehicle"),
        widget=NameForeignKeyWidget(Vehicle.objects.all(), keys=("plate",), loose=normalise_plate, render_attr="plate"),
    )
    description = Field(
        attribute="description",
        column_name=pgettext_lazy("import column", "Hazard description"),
        widget=TextWidget(required=True),
    )
    found_on = Field(attribute="found_on", column_name=pgettext_lazy("import column", "Found on"), widget=DateWidget())
    found_by = Field(
        attribute="found_by",
        column_name=pgettext_lazy("import column", "Registered by"),
        widget=TextWidget(),
        readonly=True,
    )
    responsible_unit = Field(
        attribute="responsible_unit",
        column_name=pgettext_lazy("import column", "Responsible unit"),
        widget=unit_widget(required=True),
    )
    responsible_person = Field(
        attribute="responsible_person",
        column_name=pgettext_lazy("import column", "Responsible person"),
        widget=TextWidget(),
    )
    measures = Field(
        attribute="measures", column_name=pgettext_lazy("import column", "Rectification measures"), widget=TextWidget()
    )
    funds = Field(
        attribute="funds", column_name=pgettext_lazy("import column", "Funds (10k yuan)"), widget=FundsWidget()
    )
    deadline = Field(attribute="deadline", column_name=pgettext_lazy("import column", "Deadline"), widget=DateWidget())
    contingency_plan = Field(
        attribute="contingency_plan",
        column_name=pgettext_lazy("import column", "Contingency plan"),
        widget=TextWidget(),
    )
    status = Field(
        attribute="status",
        column_name=pgettext_lazy("import column", "Status"),
        widget=ChoiceWidget(HazardStatus),
        readonly=True,
    )
    overdue = Field(
        attribute="overdue", column_name=pgettext_lazy("import column", "Overdue"), widget=YesNoWidget(), readonly=True
    )

    required_columns = ()
    header_synonyms = {
        "code": ("隐患编号",),
        "field": ("所属领域", "领域", "行业领域", "隐患类别", "行业类别"),
        "level": ("隐患等级", "隐患级别", "等级", "级别"),
        "source": ("隐患来源", "来源", "发现方式"),
        "township": ("乡镇", "乡镇（街道）", "所在乡镇", "乡镇街道", "属地"),
        "location": ("隐患地点", "地点", "具体位置", "位置", "隐患部位"),
        "enterprise": ("企业", "企业名称", "所属企业", "责任企业"),
        "project": ("项目", "项目名称", "所属项目"),
        "vehicle": ("车辆", "车牌号", "车牌号码"),
        "description": ("隐患名称", "隐患描述", "隐患内容", "隐患情况", "存在问题", "主要问题"),
        "found_on": ("排查时间", "发现时间", "排查日期", "发现日期", "登记日期"),
        "found_by": ("登记人", "填报人", "排查人"),
        "responsible_unit": ("责任单位", "整改责任单位", "责任科室"),
        "responsible_person": ("责任人", "整改责任人"),
        "measures": ("整改措施", "治理措施"),
        "funds": ("整改资金", "治理资金", "资金"),
        "deadline": ("整改时限", "整改期限", "完成时限", "整改完成时限"),
        "contingency_plan": ("应急预案", "防控措施", "临时防控措施", "应急措施"),
        "status": ("整改状态", "整改情况", "状态"),
        "overdue": ("是否逾期", "逾期"),
    }
    column_help = {
        "code": gettext_lazy("Empty for a new hazard (the system assigns its code); an existing code updates it."),
        "field": gettext_lazy(
            "Road transport, Highways and bridges, Construction works, Waterway transport or Along railway lines."
        ),
        "level": gettext_lazy("General or Major."),
        "source": gettext_lazy(
            "Found in inspection, Enterprise self-check, Public report or Assigned by higher authority."
        ),
        "township": gettext_lazy("The township's name, e.g. 淮川街道."),
        "enterprise": gettext_lazy("Optional: the enterprise's name or credit code."),
        "project": gettext_lazy("Optional: the project's name or code."),
        "vehicle": gettext_lazy("Optional: the plate number."),
        "found_on": gettext_lazy("For example 2020-03-15, 2020/3/15 or 2020年3月15日."),
        "responsible_unit": gettext_lazy("A bureau unit's name or short name."),
        "funds": gettext_lazy("In 10k yuan (万元), not negative, at most two decimals."),
        "deadline": gettext_lazy("Not before the found date."),
        "status": gettext_lazy("For reference only: the status moves through the workflow, never by import."),
    }
    column_examples = {
        "location": "淮川街道白沙路与金沙路交叉口",
        "description": "弯道外侧护栏缺失，存在车辆坠落风险。",
        "found_on": "2020-04-01",
        "responsible_person": "张三",
        "measures": "补设波形护栏，增设警示标志。",
        "funds": "1.50",
        "deadline": "2020-05-31",
        "contingency_plan": "设置临时警示标志，限速通行。",
    }
    bulk = True  # registers run to 100,000 rows: core.imports.bulk, with codes from before_bulk_write

    class Meta:
        model = Hazard
        fields = (
            "code",
            "field",
            "level",
            "source",
            "township",
            "location",
            "enterprise",
            "project",
            "vehicle",
            "description",
            "found_on",
            "found_by",
            "responsible_unit",
            "responsible_person",
            "measures",
            "funds",
            "deadline",
            "contingency_plan",
            "status",
            "overdue",
        )
        export_order = fields
        import_order = fields

    @classmethod
    def may_import(cls, user) -> bool:
        """Any active bureau user (anyone may register a hazard); rows are then checked one by one."""
        return may_register(user)

    def import_columns(self) -> list[dict]:
        columns = super().import_columns()
        for column in columns:
            if column["name"] == "code":
                column["reference_only"] = False  # it is the key of a row, not a reference
        return columns

    # Export ---------------------------------------------------------------------------------------------

    def filter_export(self, queryset, **kwargs):
        return queryset.for_list().with_overdue()

    def dehydrate_found_by(self, hazard):
        return str(hazard.found_by) if hazard.found_by_id else ""

    # Import ---------------------------------------------------------------------------------------------

    def prepare_import(self, dataset) -> None:
        """The file's existing hazards and which of them the user may change: two queries."""
        column = self.fields["code"].column_name
        codes = set()
        if column in (dataset.headers or []):
            codes = {clean_text(value) for value in dataset.get_col(dataset.headers.index(column))} - {""}
        visible = Hazard.objects.restrict(self.user) if self.user is not None else Hazard.objects.none()
        self._hazards = {  # a hazard the user may not see reads exactly like one that does not exist
            hazard.code: hazard
            for hazard in visible.filter(code__in=codes).select_related(
                "township", "enterprise", "project", "vehicle", "responsible_unit"
            )
        }
        self._changeable = set()
        if self.user is not None and codes:
            changeable = Hazard.objects.restrict(self.user, "change").filter(code__in=codes)
            self._changeable = set(changeable.values_list("pk", flat=True))
        self._seen = {}
        self._row_number = 0
        self._allocator = CodeAllocator()

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        self._row_number = kwargs.get("row_number", 0)

    def find_instance(self, row, instance_loader):
        code = clean_text(row.get(self.fields["code"].column_name))
        if not code:
            return None
        if code in self._seen:
            raise ValidationError(
                {
                    "code": _("Hazard %(code)s appears more than once in the file (also in row %(row)s).")
                    % {"code": code, "row": self._seen[code]}
                }
            )
        self._seen[code] = self.sheet_row(self._row_number)
        hazard = self._hazards.get(code)
        if hazard is None:
            raise ValidationError(
                {"code": _("There is no hazard %(code)s; leave the code empty for a new hazard.") % {"code": code}}
            )
        return hazard

    def init_instance(self, row=None):
        return self.new_instance(found_by=self.user, status=HazardStatus.PENDING)

    def row_writes(self):
        return RowCheckWrites({(Hazard, "change"): self._changeable})

    def check_row(self, *, instance, row, new, changed, errors) -> None:
        """The services the pages call (``hazard_register`` / ``hazard_update``: their permissions, rules and
        messages), on the row's values, nothing written: the import writes the rows (``before_bulk_write``)."""
        if new:
            values = self.row_values(instance, services.REGISTER_FIELDS)
            self.check_with_service(errors, services.hazard_register, user=self.user, **values)
        elif changed:  # an unchanged row writes nothing, whoever's hazard it is
            names = [self.fields[name].attribute for name in changed]
            changes = self.row_values(instance, [name for name in names if name in services.REGISTER_FIELDS])
            before = self.row_before(instance)
            self.check_with_service(errors, services.hazard_update, user=self.user, hazard=before, **changes)

    # Codes: the normal path saves row by row, the bulk path in batches -----------------------------------

    def do_instance_save(self, instance, is_create):
        if is_create and not instance.code:
            instance.code = self._allocator.take(instance.found_on.year)
        super().do_instance_save(instance, is_create)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        self._allocator.flush()

    def start_bulk_write(self) -> None:
        self._bulk_codes = CodeAllocator()  # the counters locked once per import, counted on batch by batch

    def before_bulk_write(self, new_instances) -> None:
        """The bulk path (``core.imports.bulk``): codes for a batch of new hazards, in file order, then the
        counters."""
        for instance in new_instances:
            if not instance.code:
                instance.code = self._bulk_codes.take(instance.found_on.year)
        self._bulk_codes.flush()

    def row_label(self, row: dict) -> str:
        code = clean_text(row.get(self.fields["code"].column_name))
        location = clean_text(row.get(self.fields["location"].column_name))
        return f"{code or _('(new)')} {location}".strip()


class LedgerStatusWidget(ChoiceWidget):
    """A ledger's status column: a status as the ledger writes it; an empty cell is 待整改."""

    def clean(self, value, row=None, **kwargs):
        return super().clean(value, row, **kwargs) or HazardStatus.PENDING


class HazardLedgerResource(HazardResource):
    """A ledger kept before the portal, brought in whole (administrators and the safety-supervising unit): rows as
    in the hazard import, and each new hazard keeps the status the ledger records (已整改, 已销号, 整改中 …) as an
    ``IMPORT`` step naming the ledger, whose file is kept (``services.ledger_start``); the reporter the ledger
    names is kept by name. A row about a hazard already in the portal cannot move its status: that is the
    workflow's."""

    status = Field(
        attribute="status",
        column_name=pgettext_lazy("import column", "Status"),
        widget=LedgerStatusWidget(HazardStatus, required=False, synonyms=LEDGER_STATUS_SYNONYMS),
    )
    found_by = Field(
        attribute="reported_by_name", column_name=pgettext_lazy("import column", "Registered by"), widget=TextWidget()
    )

    @classmethod
    def may_import(cls, user) -> bool:
        return may_import_ledger(user)

    def check_row(self, *, instance, row, new, changed, errors) -> None:
        if not may_import_ledger(self.user):
            add_error(errors, None, _("Only administrators and the safety-supervising unit may bring a ledger in."))
            return
        if not new and "status" in changed:  # a hazard found here is one the user may see: no oracle
            add_error(
                errors,
                "status",
                _("A ledger does not change the status of a hazard already in the portal; take the step on its page."),
            )
            return
        super().check_row(instance=instance, row=row, new=new, changed=changed, errors=errors)

    def start_bulk_write(self) -> None:
        super().start_bulk_write()
        self._ledger = services.ledger_start(
            self.user, name=self.source_name, data=self.source_data, keep_file=not self.dry_run
        )

    def before_bulk_write(self, new_instances) -> None:
        super().before_bulk_write(new_instances)
        for instance in new_instances:
            instance.ledger = self._ledger

    def after_bulk_write(self, instances) -> None:
        services.ledger_record_steps(self._ledger, instances, self.user)
