"""Import and export of enterprises and vehicles (Excel / CSV).

An enterprise row is about the enterprise with its unified social credit code; a vehicle row is about the
vehicle with its plate and names its enterprise by credit code. Administrators may import everything. Staff and
unit heads may add and change the enterprises their unit supervises and those enterprises' vehicles, and may not
hand an enterprise to another unit. A row that changes nothing is allowed whoever's it is, so that a full export
can be edited and imported back. Everything is looked up in bulk before the first row.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from import_export import widgets
from import_export.fields import Field

from core.imports.resources import PortalModelResource, add_error
from core.imports.widgets import (
    ChoiceWidget,
    DateWidget,
    IntegerWidget,
    NameForeignKeyWidget,
    TextWidget,
    clean_text,
)
from core.writes import RowCheckWrites
from organisation.imports import township_widget, unit_widget

from . import services
from .choices import CreditRating, EnterpriseType, ListStatus, VehicleClass, VehicleStatus
from .models import Enterprise, Vehicle
from .validators import normalise_credit_code, normalise_plate, validate_credit_code, validate_plate

DATE_HELP = gettext_lazy("For example 2021-03-15, 2021/3/15 or 2021年3月15日.")


def may_import(user) -> bool:
    """Who may open the import pages: administrators and the members of a unit (not leaders)."""
    return user.is_authenticated and user.is_active and (user.is_administrator or user.is_unit_member)


class OptionalChoiceWidget(ChoiceWidget):
    """A choice that may be left blank; a blank cell gives ``default`` (the model field's empty value)."""

    def __init__(self, choices, *, default="", **kwargs):
        self.default = default
        super().__init__(choices, required=False, **kwargs)

    def __deepcopy__(self, memo):
        return type(self)(
            self.choices, default=self.default, synonyms=self.synonyms, coerce_to_string=self.coerce_to_string
        )

    def clean(self, value, row=None, **kwargs):
        code = super().clean(value, row, **kwargs)
        return self.default if code is None else code


class DecimalWidget(widgets.Widget):
    """A positive decimal such as 12.5 (t); a blank cell is None."""

    def clean(self, value, row=None, **kwargs):
        text = clean_text(value).removesuffix("吨").removesuffix("t").strip()
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": clean_text(value)}) from None
        if not number.is_finite() or number <= 0 or number >= 100000:
            raise ValueError(_("%(value)s is not a positive tonnage.") % {"value": clean_text(value)})
        return number.quantize(Decimal("0.01"))

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return float(value) if value is not None else None
        return "" if value is None else str(value)


class _KeyedResource(PortalModelResource):
    """Rows found by one key column (credit code, plate) in a map loaded once; a key twice in a file is an error."""

    key_field = ""

    def _clean_key(self, row) -> str:
        raise NotImplementedError

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        self._row_number = kwargs.get("row_number", 0)

    def _find(self, row, existing: dict):
        key = self._clean_key(row)
        if key in self._seen:
            raise ValidationError(
                {
                    self.key_field: _("“%(key)s” appears more than once in the file (also in row %(row)s).")
                    % {"key": key, "row": self._seen[key]}
                }
            )
        self._seen[key] = self.sheet_row(self._row_number)
        return existing.get(key)

    def _keys_in(self, dataset, normalise) -> set[str]:
        column = self.fields[self.key_field].column_name
        if column not in (dataset.headers or []):
            return set()
        return {normalise(clean_text(value)) for value in dataset.get_col(dataset.headers.index(column))}


# Enterprises ------------------------------------------------------------------------------------------------


class EnterpriseResource(_KeyedResource):
    credit_code = Field(
        attribute="credit_code",
        column_name=pgettext_lazy("import column", "Unified social credit code"),
        widget=TextWidget(required=True),
    )
    name = Field(
        attribute="name",
        column_name=pgettext_lazy("import column", "Enterprise name"),
        widget=TextWidget(required=True),
    )
    enterprise_type = Field(
        attribute="enterprise_type",
        column_name=pgettext_lazy("import column", "Type"),
        widget=ChoiceWidget(EnterpriseType),
    )
    licence_number = Field(
        attribute="licence_number",
        column_name=pgettext_lazy("import column", "Business licence no."),
        widget=TextWidget(),
    )
    licence_expires_on = Field(
        attribute="licence_expires_on",
        column_name=pgettext_lazy("import column", "Licence expires on"),
        widget=DateWidget(),
    )
    address = Field(attribute="address", column_name=pgettext_lazy("import column", "Address"), widget=TextWidget())
    township = Field(
        attribute="township",
        column_name=pgettext_lazy("import column", "Township"),
        widget=township_widget(),
    )
    contact_person = Field(
        attribute="contact_person", column_name=pgettext_lazy("import column", "Contact person"), widget=TextWidget()
    )
    contact_phone = Field(
        attribute="contact_phone", column_name=pgettext_lazy("import column", "Contact phone"), widget=TextWidget()
    )
    credit_rating = Field(
        attribute="credit_rating",
        column_name=pgettext_lazy("import column", "Credit rating"),
        widget=OptionalChoiceWidget(CreditRating),
    )
    list_status = Field(
        attribute="list_status",
        column_name=pgettext_lazy("import column", "Red/black list"),
        widget=OptionalChoiceWidget(ListStatus, default=ListStatus.NONE),
    )
    list_reason = Field(
        attribute="list_reason", column_name=pgettext_lazy("import column", "Listing reason"), widget=TextWidget()
    )
    list_start = Field(
        attribute="list_start", column_name=pgettext_lazy("import column", "Listed from"), widget=DateWidget()
    )
    list_end = Field(
        attribute="list_end", column_name=pgettext_lazy("import column", "Listed until"), widget=DateWidget()
    )
    supervising_unit = Field(
        attribute="supervising_unit",
        column_name=pgettext_lazy("import column", "Supervising unit"),
        widget=unit_widget(),
    )

    key_field = "credit_code"
    required_columns = ("credit_code",)
    header_synonyms = {
        "credit_code": ("统一社会信用代码", "社会信用代码", "信用代码", "组织机构代码"),
        "name": ("企业名称", "单位名称", "经营者名称", "业户名称"),
        "enterprise_type": ("企业类型", "经营类别", "业户类别", "行业类别"),
        "licence_number": ("经营许可证号", "道路运输经营许可证号", "许可证号"),
        "licence_expires_on": ("许可证有效期", "许可证有效期至", "有效期至"),
        "address": ("地址", "经营地址", "注册地址"),
        "township": ("乡镇", "所在乡镇", "乡镇（街道）", "属地"),
        "contact_person": ("联系人", "负责人", "法定代表人"),
        "contact_phone": ("联系电话", "电话", "手机号码"),
        "credit_rating": ("信用等级", "质量信誉考核等级", "信誉等级"),
        "supervising_unit": ("监管单位", "主管单位", "监管科室"),
    }
    column_help = {
        "credit_code": gettext_lazy("18 characters; says which enterprise a row is about (a new code adds one)."),
        "enterprise_type": gettext_lazy(
            "Passenger transport, Freight transport, Dangerous goods transport, Public bus, Taxi, Ride-hailing "
            "platform, Driver training, Vehicle repair or Other."
        ),
        "licence_expires_on": DATE_HELP,
        "township": gettext_lazy("A township of Liuyang, e.g. 淮川街道."),
        "credit_rating": gettext_lazy("AAA, AA, A, B or empty."),
        "list_status": gettext_lazy(
            "Not listed (or empty), Red list or Black list; a listing needs a reason and a start date."
        ),
        "list_start": DATE_HELP,
        "list_end": DATE_HELP,
        "supervising_unit": gettext_lazy("The bureau unit that oversees the enterprise; empty: your own unit."),
    }

    class Meta:
        model = Enterprise
        fields = (
            "credit_code",
            "name",
            "enterprise_type",
            "licence_number",
            "licence_expires_on",
            "address",
            "township",
            "contact_person",
            "contact_phone",
            "credit_rating",
            "list_status",
            "list_reason",
            "list_start",
            "list_end",
            "supervising_unit",
        )
        export_order = fields
        import_order = fields

    may_import = staticmethod(may_import)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("township", "supervising_unit").order_by("name", "pk")

    def prepare_import(self, dataset) -> None:
        """The enterprises named in the file and which of them the user may change: two queries."""
        codes = self._keys_in(dataset, normalise_credit_code)
        found = Enterprise.objects.filter(credit_code__in=codes).select_related("township", "supervising_unit")
        self._existing = {enterprise.credit_code: enterprise for enterprise in found}
        self._changeable = set()
        if self.user is not None:
            changeable = Enterprise.objects.restrict(self.user, "change").filter(credit_code__in=codes)
            self._changeable = set(changeable.values_list("pk", flat=True))
        self._seen = {}
        self._row_number = 0

    def _clean_key(self, row) -> str:
        column = self.fields["credit_code"].column_name
        code = normalise_credit_code(clean_text(row.get(column)))
        if not code:
            raise ValidationError({"credit_code": _("This column must not be empty.")})
        try:
            validate_credit_code(code)
        except ValidationError as error:
            raise ValidationError({"credit_code": error.messages}) from None
        return code

    def find_instance(self, row, instance_loader):
        return self._find(row, self._existing)

    def init_instance(self, row=None):
        enterprise = Enterprise()
        user = self.user
        if user is not None and user.is_unit_member:
            enterprise.supervising_unit_id = user.unit_id  # the default when the column is left empty
        return enterprise

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.attribute == "credit_code":
            row = {**row, field.column_name: normalise_credit_code(clean_text(row.get(field.column_name)))}
        if field.attribute == "supervising_unit" and not clean_text(row.get(field.column_name)):
            return  # an empty cell keeps the unit (a new enterprise: the importing user's)
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def row_writes(self):
        return RowCheckWrites({(Enterprise, "change"): self._changeable})

    def check_row(self, *, instance, row, new, changed, errors) -> None:
        """The services' own permissions and rules (``enterprise_create`` / ``enterprise_update``), on the row."""
        if instance.supervising_unit_id is None:
            if "supervising_unit" not in errors:
                add_error(errors, "supervising_unit", _("This column must not be empty."))
            return
        if new:
            values = self.row_values(instance, services.ENTERPRISE_FIELDS)
            self.check_with_service(errors, services.enterprise_create, user=self.user, **values)
        elif changed:  # an unchanged row writes nothing, whoever's enterprise it is
            changes = {
                self.fields[name].attribute: getattr(instance, self.fields[name].attribute)
                for name in changed
                if self.fields[name].attribute in services.ENTERPRISE_FIELDS
            }
            before = self.row_before(instance)
            self.check_with_service(errors, services.enterprise_update, user=self.user, enterprise=before, **changes)

    def row_label(self, row: dict) -> str:
        return clean_text(row.get(self.fields["name"].column_name))


# Vehicles ---------------------------------------------------------------------------------------------------


class VehicleResource(_KeyedResource):
    plate = Field(
        attribute="plate", column_name=pgettext_lazy("import column", "Plate"), widget=TextWidget(required=True)
    )
    enterprise = Field(
        attribute="enterprise",
        column_name=pgettext_lazy("import column", "Enterprise credit code"),
        widget=NameForeignKeyWidget(
            Enterprise.objects.only("pk", "credit_code", "name", "supervising_unit_id"),
            keys=("credit_code",),
            render_attr="credit_code",
            required=True,
        ),
    )
    enterprise_name = Field(
        attribute="enterprise__name",
        column_name=pgettext_lazy("import column", "Enterprise"),
        widget=TextWidget(),
        readonly=True,
    )
    vehicle_class = Field(
        attribute="vehicle_class",
        column_name=pgettext_lazy("import column", "Vehicle class"),
        widget=ChoiceWidget(VehicleClass),
    )
    seats = Field(
        attribute="seats",
        column_name=pgettext_lazy("import column", "Seats"),
        widget=IntegerWidget(min_value=1, max_value=200),
    )
    tonnage = Field(
        attribute="tonnage", column_name=pgettext_lazy("import column", "Tonnage (t)"), widget=DecimalWidget()
    )
    certificate_number = Field(
        attribute="certificate_number",
        column_name=pgettext_lazy("import column", "Road transport certificate no."),
        widget=TextWidget(),
    )
    certificate_expires_on = Field(
        attribute="certificate_expires_on",
        column_name=pgettext_lazy("import column", "Certificate expires on"),
        widget=DateWidget(),
    )
    status = Field(
        attribute="status",
        column_name=pgettext_lazy("import column", "Status"),
        widget=OptionalChoiceWidget(VehicleStatus, default=VehicleStatus.OPERATING),
    )

    key_field = "plate"
    required_columns = ("plate",)
    header_synonyms = {
        "plate": ("车牌号", "车牌号码", "号牌号码", "车辆号牌"),
        "enterprise": ("统一社会信用代码", "所属企业信用代码"),
        "enterprise_name": ("所属企业", "企业名称", "业户名称"),
        "vehicle_class": ("车辆类型", "车辆类别", "车型"),
        "seats": ("座位数", "核定载客", "核定座位"),
        "tonnage": ("吨位", "核定载质量", "核定吨位"),
        "certificate_number": ("道路运输证号", "运输证号"),
        "certificate_expires_on": ("道路运输证有效期", "运输证有效期至", "有效期至"),
        "status": ("车辆状态", "营运状态", "状态"),
    }
    column_help = {
        "plate": gettext_lazy("E.g. 湘A12345 or 湘AD12345; says which vehicle a row is about (a new plate adds one)."),
        "enterprise": gettext_lazy("The unified social credit code of the vehicle's enterprise."),
        "enterprise_name": gettext_lazy("For reference only; not imported."),
        "vehicle_class": gettext_lazy("Scheduled passenger bus, Tour / charter bus, Dangerous goods vehicle or Other."),
        "seats": gettext_lazy("For passenger vehicles."),
        "tonnage": gettext_lazy("For goods vehicles, in tonnes."),
        "certificate_expires_on": DATE_HELP,
        "status": gettext_lazy("In operation (or empty), Suspended, Scrapped or Transferred."),
    }

    class Meta:
        model = Vehicle
        fields = (
            "plate",
            "enterprise",
            "enterprise_name",
            "vehicle_class",
            "seats",
            "tonnage",
            "certificate_number",
            "certificate_expires_on",
            "status",
        )
        export_order = fields
        import_order = fields

    may_import = staticmethod(may_import)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("enterprise").order_by("plate")

    def prepare_import(self, dataset) -> None:
        """The vehicles named in the file, and what the user may change: three queries."""
        plates = self._keys_in(dataset, normalise_plate)
        found = Vehicle.objects.filter(plate__in=plates).select_related("enterprise")
        self._existing = {vehicle.plate: vehicle for vehicle in found}
        self._changeable_vehicles = set()
        self._changeable_enterprises = set()
        if self.user is not None:
            self._changeable_vehicles = set(
                Vehicle.objects.restrict(self.user, "change").filter(plate__in=plates).values_list("pk", flat=True)
            )
            self._changeable_enterprises = set(
                Enterprise.objects.restrict(self.user, "change").values_list("pk", flat=True)
            )
        self._seen = {}
        self._row_number = 0

    def _clean_key(self, row) -> str:
        plate = normalise_plate(clean_text(row.get(self.fields["plate"].column_name)))
        if not plate:
            raise ValidationError({"plate": _("This column must not be empty.")})
        try:
            validate_plate(plate)
        except ValidationError as error:
            raise ValidationError({"plate": error.messages}) from None
        return plate

    def find_instance(self, row, instance_loader):
        return self._find(row, self._existing)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.attribute == "plate":
            row = {**row, field.column_name: normalise_plate(clean_text(row.get(field.column_name)))}
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def row_writes(self):
        return RowCheckWrites(
            {(Vehicle, "change"): self._changeable_vehicles, (Enterprise, "change"): self._changeable_enterprises}
        )

    def check_row(self, *, instance, row, new, changed, errors) -> None:
        """The services' own permissions and rules (``vehicle_create`` / ``vehicle_update``), on the row."""
        if instance.enterprise_id is None:
            return  # the enterprise column's own error says why
        if new:
            values = self.row_values(instance, [name for name in services.VEHICLE_FIELDS if name != "enterprise"])
            self.check_with_service(
                errors, services.vehicle_create, user=self.user, enterprise=instance.enterprise, **values
            )
        elif changed:
            changes = {
                self.fields[name].attribute: getattr(instance, self.fields[name].attribute)
                for name in changed
                if self.fields[name].attribute in (*services.VEHICLE_FIELDS, "enterprise")
            }
            before = self.row_before(instance)
            self.check_with_service(errors, services.vehicle_update, user=self.user, vehicle=before, **changes)

    def row_label(self, row: dict) -> str:
        return normalise_plate(clean_text(row.get(self.fields["plate"].column_name)))
