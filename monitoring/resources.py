"""Import and export of what the monitoring platform exports (Excel / CSV, as the county receives it: a GBK CSV
with a title line above the header, or a workbook; ``core.imports`` reads the formats and finds the header).

- Alarm detail: one alarm a row, about a vehicle (by plate; an unknown plate is a row problem) and, when the
  platform names one, a driver (by ID number, or by name among the vehicle's enterprise's drivers; a driver the
  portal does not know is left empty and counted in the preview). The same vehicle, type and start time is the
  same alarm: a row repeating an earlier row of the file exactly is merged into it (the preview says how many),
  a row about an alarm already recorded updates its handling.
- Vehicle-day mileage: one vehicle, driver and day a row; a row about a day already recorded corrects its km.
- Who: administrators and the safety-supervising unit (``querysets.may_import``), row by row through
  ``services.alarm_record`` / ``mileage_record``. After the rows are written the daily rollups of the vehicles
  and days the file touched are rebuilt in the same transaction, and the months it touched that have ended are
  checked against the 督办 threshold (``services.imported``).
- Lookups (vehicles, drivers, the alarms and mileage already recorded for the file's vehicles and days) are
  loaded once per import, never per row.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from import_export import widgets
from import_export.fields import Field

from core.imports.resources import PortalModelResource
from core.imports.widgets import ChoiceWidget, DateWidget, NameForeignKeyWidget, TextWidget, clean_text, match_key
from core.writes import RowCheckWrites
from enterprises.models import Vehicle
from enterprises.validators import normalise_plate

from . import partitions, services
from .choices import AlarmType, HandlingStatus
from .models import Alarm, Driver, VehicleDayMileage
from .querysets import may_import
from .validators import normalise_id_number

_TIME_PATTERN = re.compile(
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2}(?:\.\d+)?))?秒?)?$"
)

ALARM_TYPE_SYNONYMS = {
    AlarmType.FATIGUE: ("生理疲劳", "疲劳驾驶报警", "生理疲劳报警", "疲劳驾驶"),
    AlarmType.PHONE: ("使用手持电话", "接打手持电话", "接打电话", "打电话", "接打电话报警"),
    AlarmType.SMOKING: ("抽烟", "吸烟", "抽烟报警"),
    AlarmType.SEAT_BELT: ("未系安全带", "未系安全带报警"),
    AlarmType.DISTRACTION: ("不目视前方", "分神驾驶", "长时间不目视前方", "分神驾驶报警"),
    AlarmType.OVERLOADING: ("超员", "超员报警"),
    AlarmType.DRIVER_IDENTITY: ("驾驶员身份识别", "驾驶员身份识别异常", "驾驶员人证不符"),
    AlarmType.ESCORT_IDENTITY: ("押运员身份识别", "押运员身份识别异常", "押运员不在岗"),
    AlarmType.OUT_OF_MONITORING: ("脱离监控", "离线", "离线位移", "脱离监控报警"),
    AlarmType.SPEEDING: ("超速", "超速报警", "超速驾驶"),
    AlarmType.OVERTIME: ("超时驾驶", "超时驾驶报警", "疲劳驾驶（超时）"),
    AlarmType.NIGHT_RUNNING: ("夜间违规运行", "凌晨2-5点违规运行", "夜间禁行", "凌晨违规运行"),
    AlarmType.OTHER: ("其他", "其它"),
}
HANDLING_SYNONYMS = {
    HandlingStatus.PENDING: ("未处理", "未处置", "待处理", "待处置"),
    HandlingStatus.HANDLED: ("已处理", "已处置", "处理完成", "处置完成"),
    HandlingStatus.APPEALED: ("申诉", "已申诉", "申诉中"),
}
TIME_HELP = gettext_lazy("For example 2020-11-03 08:15:20 (Beijing time).")


class DateTimeWidget(widgets.Widget):
    """A moment in Beijing time, from a workbook's date-time cell or from text such as 2020-11-03 08:15:20,
    2020/11/3 8:15 or 2020年11月3日 8时15分. Exports Beijing time."""

    example = "2020-11-03 08:15:20"

    def __init__(self, *, required=False, **kwargs):
        self.required = required
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            moment = value
        else:
            text = clean_text(value)
            if not text:
                if self.required:
                    raise ValueError(_("This column must not be empty."))
                return None
            match = _TIME_PATTERN.match(text)
            try:
                if match is None:
                    raise ValueError
                year, month, day, hour, minute, second = match.groups()
                seconds = float(second or 0)
                moment = datetime.datetime(
                    int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(seconds)
                )
            except ValueError:
                raise ValueError(
                    _("“%(value)s” is not a time; write times as 2020-11-03 08:15:20.") % {"value": text}
                ) from None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return None if kwargs.get("force_native_type") else ""
        local = timezone.localtime(value)
        if kwargs.get("force_native_type"):
            return local.replace(tzinfo=None)
        return local.strftime("%Y-%m-%d %H:%M:%S")


class KmWidget(widgets.Widget):
    """Kilometres, not negative, one decimal (12.34 is rounded to 12.3); "km" and "公里" after the number are
    allowed."""

    def clean(self, value, row=None, **kwargs):
        text = clean_text(value).lower().removesuffix("km").removesuffix("公里").replace(",", "").strip()
        if not text:
            raise ValueError(_("This column must not be empty."))
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": clean_text(value)}) from None
        if not number.is_finite() or number < 0 or number >= 10000:
            raise ValueError(_("%(value)s is not a day's kilometres.") % {"value": clean_text(value)})
        return number.quantize(Decimal("0.1"))

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return float(value) if value is not None else None
        return "" if value is None else str(value)


class SpeedWidget(KmWidget):
    """A speed in km/h; an empty cell is none."""

    def clean(self, value, row=None, **kwargs):
        text = clean_text(value).lower().removesuffix("km/h").strip()
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": clean_text(value)}) from None
        if not number.is_finite() or number < 0 or number >= 1000:
            raise ValueError(_("%(value)s is not a speed in km/h.") % {"value": clean_text(value)})
        return number.quantize(Decimal("0.1"))


def _vehicle_widget():
    return NameForeignKeyWidget(
        Vehicle.objects.only("pk", "plate", "enterprise_id", "vehicle_class"),
        keys=("plate",),
        loose=normalise_plate,
        render_attr="plate",
        required=True,
    )


class _PlatformResource(PortalModelResource):
    """What the two exports share: the vehicle by plate, the driver by ID number or name, rows keyed by what
    makes them the same record (``row_key``), exact repeats in the file merged, the rollups rebuilt."""

    plate = Field(attribute="vehicle", column_name=pgettext_lazy("import column", "Plate"), widget=_vehicle_widget())
    driver = Field(
        attribute="driver", column_name=pgettext_lazy("import column", "Driver"), widget=TextWidget(), readonly=True
    )

    may_import = staticmethod(may_import)

    def prepare_import(self, dataset) -> None:
        plates = {normalise_plate(clean_text(value)) for value in self._column(dataset, "plate")} - {""}
        vehicles = Vehicle.objects.filter(plate__in=plates)
        self._drivers_by_number: dict[str, Driver] = {}
        self._drivers_by_name: dict[tuple[int, str], list[Driver]] = {}
        for driver in Driver.objects.filter(enterprise__vehicles__in=vehicles).distinct():
            self._drivers_by_number[driver.id_number] = driver
            self._drivers_by_name.setdefault((driver.enterprise_id, match_key(driver.name)), []).append(driver)
        self._seen: dict[tuple, tuple[int, tuple]] = {}
        self._merged = 0
        self._unknown_drivers: set[str] = set()
        self._touched: set[tuple[int, datetime.date]] = set()
        self._row_number = 0
        self._existing = self.load_existing(vehicles, dataset)

    def load_existing(self, vehicles, dataset) -> dict:
        """The records already stored for the file's vehicles and dates, by ``row_key`` (override)."""
        raise NotImplementedError

    def row_key(self, row) -> tuple | None:
        """What makes a row the same record as another, or None while a cell of it is wrong (override)."""
        raise NotImplementedError

    def _column(self, dataset, name) -> list:
        column = self.fields[name].column_name
        if column not in (dataset.headers or []):
            return []
        return dataset.get_col(dataset.headers.index(column))

    def _clean(self, name, row):
        try:
            return self.fields[name].clean(row)
        except (ValueError, ValidationError):
            return None

    def find_driver(self, row, vehicle):
        """The driver a row names (an ID number, or a name among the vehicle's enterprise's drivers), else None
        (counted for the preview when the cell is not empty)."""
        text = clean_text(row.get(self.fields["driver"].column_name))
        if not text or vehicle is None:
            return None
        number = normalise_id_number(text)
        if number in self._drivers_by_number:
            return self._drivers_by_number[number]
        found = self._drivers_by_name.get((vehicle.enterprise_id, match_key(text)), [])
        if len(found) == 1:
            return found[0]
        self._unknown_drivers.add(text)
        return None

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        self._row_number = kwargs.get("row_number", 0)

    def find_instance(self, row, instance_loader):
        key = self.row_key(row)
        if key is None:
            return None  # the cells' own errors say what is wrong
        values = tuple(clean_text(row.get(field.column_name)) for field in self.fields.values() if field.column_name)
        number = self.sheet_row(self._row_number)
        if key in self._seen:
            earlier, earlier_values = self._seen[key]
            if earlier_values != values:
                raise ValidationError(
                    _("Row %(row)s is about the same record with other values; keep one of the two rows.")
                    % {"row": earlier}
                )
            self._merged += 1
            return self._existing.get(key)  # the earlier row's record, unchanged by this one: skipped
        self._seen[key] = (number, values)
        return self._existing.get(key)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)
        if field.attribute == "vehicle" and instance.vehicle_id is not None:
            instance.driver = self.find_driver(row, instance.vehicle)

    def row_writes(self):
        return RowCheckWrites()

    def after_save_instance(self, instance, row, **kwargs):
        key = self.row_key(row)
        if key is not None:
            self._existing[key] = instance  # a later identical row is merged into it
        self._touched.add(self.rollup_key(instance))

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        services.imported(keys=self._touched, user=self.user)

    def import_notes(self) -> list[str]:
        notes = []
        if self._merged:
            notes.append(
                ngettext(
                    "%(count)d row repeats an earlier row of the file exactly; it was counted once.",
                    "%(count)d rows repeat an earlier row of the file exactly; they were counted once.",
                    self._merged,
                )
                % {"count": self._merged}
            )
        if self._unknown_drivers:
            names = sorted(self._unknown_drivers)
            notes.append(
                _("Drivers not registered in the portal were left empty: %(names)s.")
                % {"names": "、".join(names[:10]) + ("…" if len(names) > 10 else "")}
            )
        return notes

    def row_label(self, row: dict) -> str:
        return normalise_plate(clean_text(row.get(self.fields["plate"].column_name)))

    def dehydrate_driver(self, obj):
        return obj.driver.name if obj.driver_id else ""


class AlarmResource(_PlatformResource):
    plate_colour = Field(
        attribute="plate_colour", column_name=pgettext_lazy("import column", "Plate colour"), widget=TextWidget()
    )
    enterprise = Field(
        attribute="vehicle__enterprise__name",
        column_name=pgettext_lazy("import column", "Enterprise"),
        widget=TextWidget(),
        readonly=True,
    )
    alarm_type = Field(
        attribute="alarm_type",
        column_name=pgettext_lazy("import column", "Alarm type"),
        widget=ChoiceWidget(AlarmType, synonyms=ALARM_TYPE_SYNONYMS),
    )
    started_at = Field(
        attribute="started_at",
        column_name=pgettext_lazy("import column", "Alarm start"),
        widget=DateTimeWidget(required=True),
    )
    ended_at = Field(
        attribute="ended_at", column_name=pgettext_lazy("import column", "Alarm end"), widget=DateTimeWidget()
    )
    speed = Field(attribute="speed", column_name=pgettext_lazy("import column", "Speed (km/h)"), widget=SpeedWidget())
    handling_status = Field(
        attribute="handling_status",
        column_name=pgettext_lazy("import column", "Handling status"),
        widget=ChoiceWidget(HandlingStatus, synonyms=HANDLING_SYNONYMS),
    )
    handled_at = Field(
        attribute="handled_at", column_name=pgettext_lazy("import column", "Handled at"), widget=DateTimeWidget()
    )
    handling_method = Field(
        attribute="handling_method",
        column_name=pgettext_lazy("import column", "Handling method"),
        widget=TextWidget(),
    )

    required_columns = ("plate", "alarm_type", "started_at")
    header_synonyms = {
        "plate": ("车牌号码", "车牌号", "车辆牌照号", "号牌号码", "车牌"),
        "plate_colour": ("车牌颜色", "号牌颜色", "车辆颜色"),
        "enterprise": ("所属企业", "企业名称", "业户名称", "运输企业", "所属单位"),
        "driver": ("驾驶员", "驾驶员姓名", "司机", "司机姓名", "驾驶人"),
        "alarm_type": ("报警类型", "报警名称", "告警类型", "报警类别"),
        "started_at": ("报警开始时间", "开始时间", "报警时间", "告警开始时间"),
        "ended_at": ("报警结束时间", "结束时间", "告警结束时间"),
        "speed": ("速度", "车速", "报警速度", "速度(km/h)", "速度（km/h）"),
        "handling_status": ("处理状态", "处置状态", "是否处理"),
        "handled_at": ("处理时间", "处置时间"),
        "handling_method": ("处理方式", "处置方式", "处理措施", "处置措施"),
    }
    column_help = {
        "plate": gettext_lazy("A vehicle registered in the portal, e.g. 湘A12345."),
        "enterprise": gettext_lazy("For reference only; the vehicle's enterprise counts."),
        "driver": gettext_lazy("The driver's ID number or name; one the portal does not know is left empty."),
        "alarm_type": gettext_lazy("E.g. 生理疲劳, 使用手持电话, 抽烟, 未系安全带, 超速, 超时驾驶 or 夜间违规运行."),
        "started_at": TIME_HELP,
        "ended_at": TIME_HELP,
        "handling_status": gettext_lazy("Not handled, Handled or Appealed."),
        "handled_at": TIME_HELP,
    }

    class Meta:
        model = Alarm
        fields = (
            "plate",
            "plate_colour",
            "enterprise",
            "driver",
            "alarm_type",
            "started_at",
            "ended_at",
            "speed",
            "handling_status",
            "handled_at",
            "handling_method",
        )
        export_order = fields
        import_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.for_list()

    def load_existing(self, vehicles, dataset) -> dict:
        widget = self.fields["started_at"].widget
        starts = []
        for value in self._column(dataset, "started_at"):
            try:
                moment = widget.clean(value)
            except ValueError:
                continue
            if moment is not None:
                starts.append(moment)
        if not starts:
            return {}
        found = Alarm.objects.filter(vehicle__in=vehicles, started_at__gte=min(starts), started_at__lte=max(starts))
        return {(alarm.vehicle_id, alarm.alarm_type, alarm.started_at): alarm for alarm in found}

    def row_key(self, row):
        vehicle, alarm_type, started_at = (self._clean(name, row) for name in ("plate", "alarm_type", "started_at"))
        if vehicle is None or alarm_type is None or started_at is None:
            return None
        return (vehicle.pk, alarm_type, started_at)

    def rollup_key(self, alarm):
        return (alarm.vehicle_id, services.alarm_day(alarm.started_at))

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        key = (instance.vehicle_id, instance.alarm_type, instance.started_at)  # ``row_key``, from the row's values
        if instance.vehicle_id is not None and key not in self._existing:
            self._existing[key] = instance  # checked: a later identical row is merged into it (fast path too)

    def check_row(self, *, instance, row, new, changed, errors) -> None:
        if instance.vehicle_id is None or not (new or changed):
            return
        self.check_with_service(errors, services.alarm_record, user=self.user, alarm=instance)

    # PostgreSQL: the fast path (core.imports.bulk), the rows checked as above, then written with COPY -----------

    @property
    def bulk(self) -> bool:
        """On PostgreSQL the fast path; on SQLite (a county's embedded database) the normal path, row by row."""
        return connection.vendor == "postgresql"

    def start_bulk_write(self) -> None:
        self._months: set[datetime.date] = set()
        services.alarm_staging_start()

    def insert_batch(self, instances: list) -> list:
        months = partitions.months_of(alarm.started_at for alarm in instances) - self._months
        if months:
            partitions.partitions_ensure(months)
            self._months |= months
        return services.alarm_staging_insert(instances)

    def finish_bulk_write(self, *, updated: list) -> None:
        touched = services.alarm_staging_touched()
        touched.extend(self.rollup_key(alarm) for alarm in updated)
        services.imported(keys=touched, user=self.user)


class MileageResource(_PlatformResource):
    day = Field(attribute="day", column_name=pgettext_lazy("import column", "Date"), widget=DateWidget())
    km = Field(attribute="km", column_name=pgettext_lazy("import column", "Kilometres"), widget=KmWidget())

    required_columns = ("plate", "day", "km")
    header_synonyms = {
        "plate": ("车牌号码", "车牌号", "车辆牌照号", "号牌号码", "车牌"),
        "driver": ("驾驶员", "驾驶员姓名", "司机", "司机姓名", "驾驶人"),
        "day": ("日期", "统计日期", "行驶日期", "运行日期"),
        "km": ("里程", "行驶里程", "里程(km)", "里程（km）", "里程（公里）", "行驶里程(公里)", "日里程"),
    }
    column_help = {
        "plate": gettext_lazy("A vehicle registered in the portal, e.g. 湘A12345."),
        "driver": gettext_lazy("The driver's ID number or name; one the portal does not know is left empty."),
        "day": gettext_lazy("For example 2020-11-03."),
        "km": gettext_lazy("The kilometres run that day, e.g. 235.6."),
    }

    class Meta:
        model = VehicleDayMileage
        fields = ("plate", "driver", "day", "km")
        export_order = fields
        import_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("vehicle", "driver").order_by("-day", "vehicle__plate", "pk")

    def load_existing(self, vehicles, dataset) -> dict:
        widget = self.fields["day"].widget
        days = []
        for value in self._column(dataset, "day"):
            try:
                day = widget.clean(value)
            except ValueError:
                continue
            if day is not None:
                days.append(day)
        if not days:
            return {}
        found = VehicleDayMileage.objects.filter(vehicle__in=vehicles, day__gte=min(days), day__lte=max(days))
        return {(mileage.vehicle_id, mileage.driver_id, mileage.day): mileage for mileage in found}

    def row_key(self, row):
        vehicle, day = self._clean("plate", row), self._clean("day", row)
        if vehicle is None or day is None:
            return None
        return (vehicle.pk, self._driver_pk(row, vehicle), day)

    def _driver_pk(self, row, vehicle):
        driver = self.find_driver(row, vehicle)
        return driver.pk if driver else None

    def rollup_key(self, mileage):
        return (mileage.vehicle_id, mileage.day)

    def check_row(self, *, instance, row, new, changed, errors) -> None:
        if instance.vehicle_id is None or not (new or changed):
            return
        self.check_with_service(errors, services.mileage_record, user=self.user, mileage=instance)
