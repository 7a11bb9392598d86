from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.choices import ProblemCategory
from core.fields import DOCUMENT_LENGTH, NOTE_LENGTH, TEXT_LENGTH
from core.forms import EMPTY_CHOICE, BootstrapFormMixin, DateInput, MonthField, MultipleFileField
from core.forms import ReviewForm as BaseReviewForm

from .choices import MeasureStatus
from .models import Measure
from .services import Problem


class MeasureForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Measure
        fields = ["target", "start_date", "due_date", "status"]
        widgets = {"start_date": DateInput(), "due_date": DateInput(), "target": forms.Textarea(attrs={"rows": 3})}


class ReportForm(BootstrapFormMixin, forms.Form):
    month = MonthField(label=_("Month"))
    progress = forms.IntegerField(label=_("Progress %"), min_value=0, max_value=100)
    text = forms.CharField(
        label=_("Progress this month"), max_length=TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": 6})
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
    )

    def __init__(self, *args, month_fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _("PDF, Word, Excel, pictures or ZIP; at most %(size)s each.") % {
            "size": filesizeformat(settings.ATTACHMENT_MAX_BYTES)
        }
        if month_fixed:
            self.fields["month"].disabled = True


class ProblemForm(BootstrapFormMixin, forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", EMPTY_CHOICE), *ProblemCategory.choices], required=False
    )
    description = forms.CharField(
        label=_("Problem met"), max_length=NOTE_LENGTH, required=False, widget=forms.TextInput()
    )

    def clean(self):
        data = super().clean()
        if data.get("description") and not data.get("category"):
            self.add_error("category", _("Choose the kind of problem."))
        if data.get("category") and not data.get("description"):
            self.add_error("description", _("Describe the problem."))
        return data

    def problem(self) -> Problem | None:
        data = self.cleaned_data
        if data.get("category") and data.get("description"):
            return Problem(category=data["category"], description=data["description"])
        return None


ProblemFormSet = formset_factory(ProblemForm, extra=2, max_num=10)


def problems_from(formset) -> list[Problem]:
    return [problem for form in formset.forms if (problem := form.problem())]


class ReviewForm(BaseReviewForm):
    missing_reason = _("Give the reason for returning the report.")


class SupervisionForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Supervision note"),
        max_length=NOTE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("What is expected of the lead unit, and by when")}),
    )


class CommentForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 2}))


class CheckpointForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Checkpoint"), max_length=200)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=NOTE_LENGTH, required=False)


class PlanTextForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    text = forms.CharField(
        label=_("Plan text"), max_length=DOCUMENT_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 14})
    )
    file = forms.FileField(label=_("…or a text file (.txt, UTF-8 or GBK)"), required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > 1024 * 1024:
                raise ValidationError(_("The text file is larger than 1 MB."))
            raw = upload.read()
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    data["text"] = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise ValidationError(_("The file is not text in UTF-8 or GBK."))
        if not (data.get("text") or "").strip():
            raise ValidationError(_("Paste the plan text or choose a text file."))
        return data


class NextYearPlanForm(BootstrapFormMixin, forms.Form):
    """The completed measures of a plan to repeat in the next year's draft (the unfinished ones are carried)."""

    include_completed = forms.ModelMultipleChoiceField(
        label=_("Completed measures to repeat next year"),
        queryset=Measure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["include_completed"]
        field.queryset = (
            Measure.objects.filter(key_task__plan=plan, status=MeasureStatus.COMPLETED)
            .select_related("key_task")
            .order_by("key_task__number", "number")
        )
        field.label_from_instance = lambda measure: f"{measure.code} {measure.title}"
        field.widget.attrs["class"] = "form-check-input me-1"  # a box each, not BootstrapFormMixin's text field
