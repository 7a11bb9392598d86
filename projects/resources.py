"""Import and export of projects and of monthly progress (Excel / CSV), on the shared core.imports mechanism.

Projects: a row is about the project of that name. Administrators add projects and change every column; staff
and unit heads change the projects their unit answers for, but may not hand them to another unit or leader. A
row that changes nothing is allowed whoever's project it is, so that an export can be edited and imported back.
The lists, funding amounts and the year's planned investment are columns of the row, kept in child rows.

Monthly progress: each row adds one month's progress of a project, submitted for review (the import never
changes a month already recorded: a month recorded in the portal or twice in the file is a row error); its
reviewers are told as when it is submitted on its page (``core.reviews.review_notify``, in the import's
transaction, the outbox dispatched after its commit). The
over-total rule is the service's (``services.check_over_total``), and so is the rule that no month is after the
current one (``core.reviews.check_month``): a cumulative above the project's total
investment needs the confirmation and the reason columns.

Everything is looked up in bulk before the first row.
"""

import datetime
import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from import_export import widgets
from import_export.fields import Field

from core import clock, periods
from core.choices import ProblemCategory, ReviewState
from core.imports.resources import PortalModelResource, add_error
from core.imports.widgets import (
    LIST_SEPARATOR,
    NAME_SEPARATORS,
    ChoiceWidget,
    DateWidget,
    IntegerWidget,
    NameForeignKeyWidget,
    TextWidget,
    YesNoWidget,
    clean_text,
)
from core.reviews import review_notify
from core.writes import RowCheckWrites
from organisation.imports import townships_widget, unit_widget
from organisation.models import User

from . import services
from .choices import FundingSourceKind, ProjectCategory, ProjectList, ProjectStage
from .models import Blocker, FundingSource, InvestmentPlan, MonthlyProgress, Project, ProjectListing
from .services import PROJECT_FIELDS

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_MONTH_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})(-\d{1,2})?$"),
    re.compile(r"^(\d{4})/(\d{1,2})(/\d{1,2})?$"),
    re.compile(r"^(\d{4})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月(\s*\d{1,2}\s*日)?$"),
)


class AmountWidget(widgets.Widget):
    """An amount in 万元 with at most two decimals, not negative: 1200, 1,200.5, "1200.00"."""

    def __init__(self, *, required=False, max_digits=14, **kwargs):
        self.required = required
        self.max_digits = max_digits
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
        if isinstance(value, int | float | Decimal):
            text = str(value)
        else:
            text = clean_text(value).replace(",", "").replace("，", "")
        if not text:
            if self.required:
                raise ValueError(_("This column must not be empty."))
            return None
        if not _NUMBER.match(text):
            raise ValueError(_("“%(value)s” is not a number.") % {"value": clean_text(value)})
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": clean_text(value)}) from None
        if amount < 0:
            raise ValueError(_("%(value)s is negative; amounts must not be negative.") % {"value": text})
        rounded = amount.quantize(Decimal("0.01"))
        if rounded != amount:
            raise ValueError(_("%(value)s has more than two decimals.") % {"value": text})
        if len(rounded.as_tuple().digits) > self.max_digits:
            raise ValueError(_("%(value)s is too large.") % {"value": text})
        return rounded

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return None if kwargs.get("force_native_type") else ""
        if kwargs.get("force_native_type"):
            return float(value)
        return f"{value:.2f}"


class MonthWidget(widgets.Widget):
    """A month: an Excel date, 2020-05, 2020/5, 2020.5, 2020年5月 (a full date is taken as its month)."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date().replace(day=1)
        if isinstance(value, datetime.date):
            return value.replace(day=1)
        text = re.sub(r"\s+00:00(:00)?$", "", clean_text(value))
        if not text:
            raise ValueError(_("This column must not be empty."))
        for pattern in _MONTH_PATTERNS:
            match = pattern.match(text)
            if match:
                year, month = int(match.group(1)), int(match.group(2))
                if 1 <= month <= 12 and 2000 <= year <= 2100:
                    return datetime.date(year, month, 1)
                break
        raise ValueError(_("“%(value)s” is not a month; write months as 2020-05.") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{value:%Y-%m}"


def _amount_field(column, attribute=None, **kwargs):
    return Field(attribute=attribute, column_name=column, widget=AmountWidget(**kwargs))


FUNDING_COLUMNS = {
    FundingSourceKind.CENTRAL: pgettext_lazy("import column", "Central funds (10k yuan)"),
    FundingSourceKind.PROVINCIAL: pgettext_lazy("import column", "Provincial funds (10k yuan)"),
    FundingSourceKind.SPECIAL_BOND: pgettext_lazy("import column", "Special bonds (10k yuan)"),
    FundingSourceKind.CITY: pgettext_lazy("import column", "City funds (10k yuan)"),
    FundingSourceKind.SOCIAL_CAPITAL: pgettext_lazy("import column", "Social capital (10k yuan)"),
    FundingSourceKind.OTHER: pgettext_lazy("import column", "Other funds (10k yuan)"),
}
_list_widget = ChoiceWidget(ProjectList)
_year_widget = IntegerWidget(min_value=2000, max_value=2100)


class ProjectResource(PortalModelResource):
    name = Field(
        attribute="name", column_name=pgettext_lazy("import column", "Project"), widget=TextWidget(required=True)
    )
    code = Field(attribute="code", column_name=pgettext_lazy("import column", "Code"), widget=TextWidget())
    category = Field(
        attribute="category",
        column_name=pgettext_lazy("import column", "Category"),
        widget=ChoiceWidget(ProjectCategory),
    )
    stage = Field(
        attribute="stage", column_name=pgettext_lazy("import column", "Stage"), widget=ChoiceWidget(ProjectStage)
    )
    townships = Field(
        attribute="townships",
        column_name=pgettext_lazy("import column", "Townships"),
        widget=townships_widget(),
    )
    length_km = _amount_field(pgettext_lazy("import column", "Length (km)"), "length_km", max_digits=9)
    total_investment = _amount_field(
        pgettext_lazy("import column", "Total investment (10k yuan)"), "total_investment", required=True
    )
    plan_year = Field(column_name=pgettext_lazy("import column", "Plan year"), widget=_year_widget)
    planned_investment = _amount_field(pgettext_lazy("import column", "Planned investment this year (10k yuan)"))
    funding_central = _amount_field(FUNDING_COLUMNS[FundingSourceKind.CENTRAL])
    funding_provincial = _amount_field(FUNDING_COLUMNS[FundingSourceKind.PROVINCIAL])
    funding_special_bond = _amount_field(FUNDING_COLUMNS[FundingSourceKind.SPECIAL_BOND])
    funding_city = _amount_field(FUNDING_COLUMNS[FundingSourceKind.CITY])
    funding_social_capital = _amount_field(FUNDING_COLUMNS[FundingSourceKind.SOCIAL_CAPITAL])
    funding_other = _amount_field(FUNDING_COLUMNS[FundingSourceKind.OTHER])
    owner_entity = Field(
        attribute="owner_entity", column_name=pgettext_lazy("import column", "Owner entity"), widget=TextWidget()
    )
    contractor = Field(
        attribute="contractor", column_name=pgettext_lazy("import column", "Contractor"), widget=TextWidget()
    )
    responsible_unit = Field(
        attribute="responsible_unit",
        column_name=pgettext_lazy("import column", "Responsible unit"),
        widget=unit_widget(required=True),
    )
    leader = Field(
        attribute="leader",
        column_name=pgettext_lazy("import column", "Responsible leader"),
        widget=NameForeignKeyWidget(
            User.objects.filter(role=User.Role.LEADER), keys=("full_name", "username"), thing=User.Role.LEADER.label
        ),
    )
    planned_start = Field(
        attribute="planned_start", column_name=pgettext_lazy("import column", "Planned start"), widget=DateWidget()
    )
    planned_finish = Field(
        attribute="planned_finish", column_name=pgettext_lazy("import column", "Planned finish"), widget=DateWidget()
    )
    actual_start = Field(
        attribute="actual_start", column_name=pgettext_lazy("import column", "Actual start"), widget=DateWidget()
    )
    actual_finish = Field(
        attribute="actual_finish", column_name=pgettext_lazy("import column", "Actual finish"), widget=DateWidget()
    )
    lists = Field(column_name=pgettext_lazy("import column", "Lists"), widget=TextWidget())
    description = Field(
        attribute="description", column_name=pgettext_lazy("import column", "Project description"), widget=TextWidget()
    )

    required_columns = ("name",)
    header_synonyms = {
        "name": ("项目名称", "工程名称", "建设项目"),
        "code": ("项目编号", "项目代码", "编号"),
        "category": ("项目类别", "项目类型", "建设性质"),
        "stage": ("项目阶段", "建设阶段", "进展阶段"),
        "townships": ("乡镇", "涉及乡镇", "所在乡镇", "建设地点"),
        "plan_year": ("计划年度", "年度"),
        "owner_entity": ("业主单位", "建设单位", "项目业主"),
        "contractor": ("施工单位", "承建单位"),
        "responsible_unit": ("责任单位", "责任科室"),
        "leader": ("责任领导", "分管领导", "联系领导"),
        "planned_start": ("计划开工时间", "计划开工日期"),
        "planned_finish": ("计划完工时间", "计划完工日期"),
        "actual_start": ("实际开工时间", "开工时间", "开工日期"),
        "actual_finish": ("实际完工时间", "完工时间", "完工日期"),
        "description": ("建设内容", "建设规模及内容", "项目概况"),
    }
    column_help = {
        "name": gettext_lazy("Says which project a row is about; a new name adds a project (administrators only)."),
        "category": gettext_lazy("One of the categories, e.g. 高速公路, 国省干线, 农村公路."),
        "townships": gettext_lazy("Township names separated by 、 or commas."),
        "responsible_unit": gettext_lazy("A unit's name or short name."),
        "responsible_leader": gettext_lazy("A bureau leader's full name or user name."),
        "plan_year": gettext_lazy("The year of the planned investment column (this year when empty)."),
        "lists": gettext_lazy("List names separated by 、 or commas, e.g. 十四五规划、民生实事."),
        "total_investment": gettext_lazy("In 10k yuan, not negative, at most two decimals."),
    }

    class Meta:
        model = Project
        fields = (
            "name",
            "code",
            "category",
            "stage",
            "townships",
            "length_km",
            "total_investment",
            "plan_year",
            "planned_investment",
            "funding_central",
            "funding_provincial",
            "funding_special_bond",
            "funding_city",
            "funding_social_capital",
            "funding_other",
            "owner_entity",
            "contractor",
            "responsible_unit",
            "leader",
            "planned_start",
            "planned_finish",
            "actual_start",
            "actual_finish",
            "lists",
            "description",
        )
        export_order = fields
        import_order = fields

    def __init__(self, *, year: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.year = year or periods.default_year()

    @classmethod
    def may_import(cls, user) -> bool:
        return user.is_authenticated and user.is_active and (user.is_administrator or user.is_unit_member)

    # Export ---------------------------------------------------------------------------------------------

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("responsible_unit", "leader").prefetch_related(
            "townships", "listings", "funding_sources", "investment_plans"
        )

    def dehydrate_plan_year(self, project):
        return self.year

    def dehydrate_planned_investment(self, project):
        amount = next((p.amount for p in project.investment_plans.all() if p.year == self.year), None)
        return None if amount is None else float(amount)

    def dehydrate_lists(self, project):
        labels = dict(ProjectList.choices)
        return LIST_SEPARATOR.join(str(labels[item.list]) for item in project.listings.all())

    def _dehydrate_funding(self, project, source):
        amount = next((f.amount for f in project.funding_sources.all() if f.source == source), None)
        return None if amount is None else float(amount)

    def dehydrate_funding_central(self, project):
        return self._dehydrate_funding(project, FundingSourceKind.CENTRAL)

    def dehydrate_funding_provincial(self, project):
        return self._dehydrate_funding(project, FundingSourceKind.PROVINCIAL)

    def dehydrate_funding_special_bond(self, project):
        return self._dehydrate_funding(project, FundingSourceKind.SPECIAL_BOND)

    def dehydrate_funding_city(self, project):
        return self._dehydrate_funding(project, FundingSourceKind.CITY)

    def dehydrate_funding_social_capital(self, project):
        return self._dehydrate_funding(project, FundingSourceKind.SOCIAL_CAPITAL)

    def dehydrate_funding_other(self, project):
        return self._dehydrate_funding(project, FundingSourceKind.OTHER)

    # Import ---------------------------------------------------------------------------------------------

    def prepare_import(self, dataset) -> None:
        """The projects named in the file with their child rows, and what the user may change: five queries."""
        column = self.fields["name"].column_name
        names = set()
        if column in (dataset.headers or []):
            names = {clean_text(value) for value in dataset.get_col(dataset.headers.index(column))}
        self._projects = {
            p.name: p
            for p in Project.objects.filter(name__in=names)
            .select_related("responsible_unit", "leader")
            .prefetch_related("townships", "listings", "funding_sources", "investment_plans")
        }
        self._changeable = set()
        if self.user is not None:
            changeable = Project.objects.restrict(self.user, "change").filter(name__in=names)
            self._changeable = set(changeable.values_list("pk", flat=True))
        self._seen = {}
        self._children = {}
        self._row_number = 0

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        self._row_number = kwargs.get("row_number", 0)

    def find_instance(self, row, instance_loader):
        name = clean_text(row.get(self.fields["name"].column_name))
        if not name:
            raise ValidationError({"name": _("This column must not be empty.")})
        if name in self._seen:
            raise ValidationError(
                _("Project “%(name)s” appears more than once in the file (also in row %(row)s).")
                % {"name": name, "row": self._seen[name]}
            )
        self._seen[name] = self.sheet_row(self._row_number)
        return self._projects.get(name)

    def _cell(self, row, name):
        return row.get(self.fields[name].column_name)

    def _has(self, row, name) -> bool:
        return self.fields[name].column_name in row

    def _read_children(self, instance, row, errors) -> dict:
        """The child-row columns present in the row: {"lists": set, "funding": {source: amount}, "plan": (year,
        amount)}; problems go to ``errors`` under the column."""
        children = {}
        if self._has(row, "lists"):
            codes, problems = set(), []
            for label in NAME_SEPARATORS.split(clean_text(self._cell(row, "lists"))):
                if label.strip():
                    try:
                        codes.add(_list_widget.clean(label))
                    except ValueError as error:
                        problems.append(str(error))
            if problems:
                add_error(errors, "lists", " ".join(problems))
            else:
                children["lists"] = codes
        funding = {}
        for source in FundingSourceKind.values:
            name = f"funding_{source}"
            if self._has(row, name):
                try:
                    funding[source] = self.fields[name].widget.clean(self._cell(row, name))
                except ValueError as error:
                    add_error(errors, name, str(error))
        if funding:
            children["funding"] = funding
        if self._has(row, "planned_investment"):
            try:
                year = _year_widget.clean(self._cell(row, "plan_year")) if self._has(row, "plan_year") else None
            except ValueError as error:
                add_error(errors, "plan_year", str(error))
                year = None
            try:
                amount = self.fields["planned_investment"].widget.clean(self._cell(row, "planned_investment"))
            except ValueError as error:
                add_error(errors, "planned_investment", str(error))
            else:
                children["plan"] = (year or self.year, amount)
        return children

    def _children_changed(self, instance, children) -> list[str]:
        if instance.pk is None:
            return (
                ["lists"] * ("lists" in children)
                + ["planned_investment"] * ("plan" in children)
                + ([f"funding_{s}" for s, a in children.get("funding", {}).items() if a is not None])
            )
        changed = []
        if "lists" in children and children["lists"] != {item.list for item in instance.listings.all()}:
            changed.append("lists")
        existing = {f.source: f.amount for f in instance.funding_sources.all()}
        for source, amount in children.get("funding", {}).items():
            if existing.get(source) != amount:
                changed.append(f"funding_{source}")
        if "plan" in children:
            year, amount = children["plan"]
            current = next((p.amount for p in instance.investment_plans.all() if p.year == year), None)
            if current != amount:
                changed.append("planned_investment")
        return changed

    def row_writes(self):
        return RowCheckWrites({(Project, "change"): self._changeable})

    def check_row(self, *, instance, row, new, changed, errors) -> None:
        """The services' own permissions and rules (``project_create`` / ``project_update``), on the row; the
        child rows' columns are written by the import (``after_save_instance``)."""
        children = self._read_children(instance, row, errors)
        changed.extend(name for name in self._children_changed(instance, children) if name not in changed)
        self._children[id(instance)] = children
        if new:
            values = self.row_values(instance, PROJECT_FIELDS)
            self.check_with_service(errors, services.project_create, user=self.user, **values)
        elif changed:  # an unchanged row writes nothing, whoever's project it is
            changes = self.row_values(
                instance,
                [self.fields[name].attribute for name in changed if self.fields[name].attribute in PROJECT_FIELDS],
            )
            before = self.row_before(instance)
            self.check_with_service(errors, services.project_update, user=self.user, project=before, **changes)

    def after_save_instance(self, instance, row, **kwargs):
        children = self._children.pop(id(instance), {})
        if "lists" in children:
            wanted = children["lists"]
            have = {item.list for item in instance.listings.all()} if not self._row.new else set()
            if have - wanted:
                ProjectListing.objects.filter(project=instance, list__in=have - wanted).delete()
            for code in sorted(wanted - have):
                ProjectListing.objects.create(project=instance, list=code)
        if "funding" in children:
            existing = {f.source: f for f in instance.funding_sources.all()} if not self._row.new else {}
            for source, amount in children["funding"].items():
                row_obj = existing.get(source)
                if amount is None:
                    if row_obj is not None:
                        row_obj.delete()
                elif row_obj is None:
                    FundingSource.objects.create(project=instance, source=source, amount=amount)
                elif row_obj.amount != amount:
                    row_obj.amount = amount
                    row_obj.save()
        if "plan" in children:
            year, amount = children["plan"]
            plans = {p.year: p for p in instance.investment_plans.all()} if not self._row.new else {}
            plan = plans.get(year)
            if amount is None:
                if plan is not None:
                    plan.delete()
            elif plan is None:
                InvestmentPlan.objects.create(project=instance, year=year, amount=amount)
            elif plan.amount != amount:
                plan.amount = amount
                plan.save()

    def row_label(self, row: dict) -> str:
        return clean_text(row.get(self.fields["name"].column_name))


# Monthly progress -----------------------------------------------------------------------------------------


class ProgressResource(PortalModelResource):
    project = Field(
        attribute="project",
        column_name=pgettext_lazy("import column", "Project"),
        widget=NameForeignKeyWidget(Project.objects.all(), keys=("name", "code"), render_attr="name", required=True),
    )
    month = Field(attribute="month", column_name=pgettext_lazy("import column", "Month"), widget=MonthWidget())
    investment = _amount_field(
        pgettext_lazy("import column", "Investment this month (10k yuan)"), "investment", required=True
    )
    physical_progress = Field(
        attribute="physical_progress",
        column_name=pgettext_lazy("import column", "Physical progress %"),
        widget=IntegerWidget(min_value=0, max_value=100, required=True),
    )
    narrative = Field(
        attribute="narrative", column_name=pgettext_lazy("import column", "Progress"), widget=TextWidget()
    )
    blocker_category = Field(
        column_name=pgettext_lazy("import column", "Blocker category"), widget=ChoiceWidget(ProblemCategory)
    )
    blocker = Field(column_name=pgettext_lazy("import column", "Blocker"), widget=TextWidget())
    confirm_over_total = Field(column_name=pgettext_lazy("import column", "Confirm over total"), widget=YesNoWidget())
    over_total_reason = Field(
        attribute="over_total_reason",
        column_name=pgettext_lazy("import column", "Reason for exceeding the total"),
        widget=TextWidget(),
    )
    cumulative = Field(
        column_name=pgettext_lazy("import column", "Cumulative investment (10k yuan)"),
        widget=AmountWidget(),
        readonly=True,
    )
    state = Field(
        attribute="state",
        column_name=pgettext_lazy("import column", "State"),
        widget=ChoiceWidget(ReviewState),
        readonly=True,
    )

    required_columns = ("project", "month", "investment", "physical_progress")
    header_synonyms = {
        "project": ("项目名称", "工程名称"),
        "month": ("月份", "填报月份", "统计月份"),
        "investment": ("当月完成投资", "本月完成投资", "月完成投资"),
        "physical_progress": ("形象进度", "工程形象进度", "完成进度"),
        "narrative": ("进展情况", "工作进展", "本月进展"),
        "blocker": ("存在问题", "主要问题", "困难问题"),
    }
    column_help = {
        "project": gettext_lazy("The project's name (or code)."),
        "month": gettext_lazy("For example 2020-05 or 2020年5月; one row per project and month."),
        "investment": gettext_lazy("In 10k yuan, not negative, at most two decimals."),
        "physical_progress": gettext_lazy("A whole number from 0 to 100."),
        "blocker_category": gettext_lazy("土地, 资金, 环保, 政策 or 其他, with the blocker's text."),
        "confirm_over_total": gettext_lazy(
            "是 when the cumulative investment may exceed the total investment; give the reason too."
        ),
        "cumulative": gettext_lazy("For reference only; not imported."),
        "state": gettext_lazy("For reference only; imported rows are submitted for review."),
    }

    class Meta:
        model = MonthlyProgress
        fields = (
            "project",
            "month",
            "investment",
            "physical_progress",
            "narrative",
            "blocker_category",
            "blocker",
            "confirm_over_total",
            "over_total_reason",
            "cumulative",
            "state",
        )
        export_order = fields
        import_order = fields

    may_import = ProjectResource.may_import

    # Export ---------------------------------------------------------------------------------------------

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("project").with_totals().prefetch_related("blockers")

    def _first_blocker(self, progress):
        blockers = list(progress.blockers.all())
        return blockers[0] if blockers else None

    def dehydrate_blocker_category(self, progress):
        blocker = self._first_blocker(progress)
        return blocker.get_category_display() if blocker else ""

    def dehydrate_blocker(self, progress):
        blocker = self._first_blocker(progress)
        return blocker.description if blocker else ""

    def dehydrate_confirm_over_total(self, progress):
        return "是" if progress.over_total_reason else ""

    def dehydrate_cumulative(self, progress):
        value = getattr(progress, "cumulative", None)
        return None if value is None else float(value)

    # Import ---------------------------------------------------------------------------------------------

    def prepare_import(self, dataset) -> None:
        """The months recorded, each project's recorded investment, and what the user may change: 3 queries."""
        self._recorded = set(MonthlyProgress.objects.values_list("project_id", "month"))
        self._totals = defaultdict(
            Decimal,
            {
                row["project"]: row["total"]
                for row in MonthlyProgress.objects.order_by().values("project").annotate(total=Sum("investment"))
            },
        )
        self._changeable = set()
        if self.user is not None:
            self._changeable = set(Project.objects.restrict(self.user, "change").values_list("pk", flat=True))
        self._seen = {}
        self._in_file = defaultdict(Decimal)
        self._blocker = {}
        self._row_number = 0

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        self._row_number = kwargs.get("row_number", 0)

    def find_instance(self, row, instance_loader):
        return None  # every row adds a month; a month already recorded is a row error (check_row)

    def init_instance(self, row=None):
        return MonthlyProgress(author=self.user, state=ReviewState.SUBMITTED, submitted_at=clock.now())

    def row_writes(self):
        return RowCheckWrites(
            {(Project, "change"): self._changeable},
            {"investment_of_other_months": lambda project, month: self._totals[project.pk] + self._in_file[project.pk]},
        )

    def check_row(self, *, instance, row, new, changed, errors) -> None:
        """The service's own permissions and rules (``progress_create``, submitting), on the row, with the
        investment of the file's earlier rows counted as if they were recorded."""
        project = instance.project if instance.project_id else None
        month = instance.month
        if project is None or month is None or "month" in errors:
            return
        key = (project.pk, month)
        if key in self._recorded:
            add_error(
                errors,
                "month",
                _("%(project)s already has progress for %(month)s.")
                % {"project": project, "month": periods.month_label(month)},
            )
        elif key in self._seen:
            add_error(
                errors,
                "month",
                _("%(project)s %(month)s appears more than once in the file (also in row %(row)s).")
                % {"project": project, "month": periods.month_label(month), "row": self._seen[key]},
            )
        else:
            self._seen[key] = self.sheet_row(self._row_number)
        confirmed = False
        if self._has(row, "confirm_over_total"):
            try:
                confirmed = self.fields["confirm_over_total"].widget.clean(self._cell(row, "confirm_over_total"))
            except ValueError as error:
                add_error(errors, "confirm_over_total", str(error))
        blocker = self._read_blocker(row, errors)
        self.check_with_service(
            errors,
            services.progress_create,
            user=self.user,
            project=project,
            month=month,
            investment=instance.investment,
            physical_progress=instance.physical_progress,
            narrative=instance.narrative,
            blockers=[blocker] if blocker else [],
            confirm_over_total=confirmed,
            over_total_reason=instance.over_total_reason,
            submit=True,
        )
        if "investment" not in errors and instance.investment is not None:
            self._in_file[project.pk] += instance.investment
        if not confirmed:
            instance.over_total_reason = ""
        self._blocker[id(instance)] = blocker

    def _read_blocker(self, row, errors) -> services.BlockerItem | None:
        """The blocker of the row's category and text columns (``services.blocker_item``'s rule)."""
        category = None
        if self._has(row, "blocker_category") and clean_text(self._cell(row, "blocker_category")):
            try:
                category = self.fields["blocker_category"].widget.clean(self._cell(row, "blocker_category"))
            except ValueError as error:
                add_error(errors, "blocker_category", str(error))
                return None
        text = clean_text(self._cell(row, "blocker")) if self._has(row, "blocker") else ""
        try:
            return services.blocker_item(category=category, description=text)
        except ValidationError as error:
            columns = {"category": "blocker_category", "description": "blocker"}
            for key, messages in error.message_dict.items():
                for message in messages:
                    add_error(errors, columns[key], message)
        return None

    def _cell(self, row, name):
        return row.get(self.fields[name].column_name)

    def _has(self, row, name) -> bool:
        return self.fields[name].column_name in row

    def after_save_instance(self, instance, row, **kwargs):
        blocker = self._blocker.pop(id(instance), None)
        if blocker:
            Blocker.objects.create(progress=instance, category=blocker.category, description=blocker.description)
        if not self.dry_run:  # submitted: the reviewers are told, as ``services.progress_create`` tells them
            review_notify(instance, services.PROGRESS_EVENTS)

    def row_label(self, row: dict) -> str:
        project = clean_text(row.get(self.fields["project"].column_name))
        month = clean_text(row.get(self.fields["month"].column_name))
        return f"{project} {month}".strip()
