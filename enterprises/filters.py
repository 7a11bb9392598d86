import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from organisation.models import Township, Unit

from .choices import CreditRating, EnterpriseType, ListStatus, VehicleClass, VehicleStatus
from .models import Enterprise, Vehicle
from .querysets import expired_q, expiring_q
from .validators import normalise_plate

EXPIRY_CHOICES = [("expiring", _("Expiring within 30 days")), ("expired", _("Expired"))]


def _filter_expiry(queryset, field: str, value: str):
    if value == "expiring":
        return queryset.filter(expiring_q(field))
    if value == "expired":
        return queryset.filter(expired_q(field))
    return queryset


class EnterpriseFilter(django_filters.FilterSet):
    enterprise_type = django_filters.ChoiceFilter(
        choices=EnterpriseType.choices, label=_("Type"), empty_label=_("All types")
    )
    township = django_filters.ModelChoiceFilter(
        queryset=Township.objects.all(), label=_("Township"), empty_label=_("All townships")
    )
    credit_rating = django_filters.ChoiceFilter(
        choices=CreditRating.choices, label=_("Credit rating"), empty_label=_("Any rating")
    )
    list_status = django_filters.ChoiceFilter(
        choices=ListStatus.choices, label=_("Red/black list"), empty_label=_("Any")
    )
    licence = django_filters.ChoiceFilter(
        choices=EXPIRY_CHOICES, method="filter_licence", label=_("Business licence"), empty_label=_("Any")
    )
    supervising_unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.all(), label=_("Supervising unit"), empty_label=_("All units")
    )
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))

    class Meta:
        model = Enterprise
        fields = ["enterprise_type", "township", "credit_rating", "list_status", "licence", "supervising_unit", "q"]

    def get_form_class(self):
        return type("EnterpriseFilterForm", (BootstrapFormMixin, super().get_form_class()), {})

    def filter_licence(self, queryset, name, value):
        return _filter_expiry(queryset, "licence_expires_on", value)

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(name__icontains=value)
            | Q(credit_code__icontains=value)
            | Q(licence_number__icontains=value)
            | Q(contact_person__icontains=value)
            | Q(address__icontains=value)
        )


class VehicleFilter(django_filters.FilterSet):
    vehicle_class = django_filters.ChoiceFilter(
        choices=VehicleClass.choices, label=_("Vehicle class"), empty_label=_("All classes")
    )
    status = django_filters.ChoiceFilter(choices=VehicleStatus.choices, label=_("Status"), empty_label=_("Any status"))
    enterprise = django_filters.ModelChoiceFilter(
        queryset=Enterprise.objects.only("pk", "name"), label=_("Enterprise"), empty_label=_("All enterprises")
    )
    certificate = django_filters.ChoiceFilter(
        choices=EXPIRY_CHOICES,
        method="filter_certificate",
        label=_("Road transport certificate"),
        empty_label=_("Any"),
    )
    plate = django_filters.CharFilter(method="filter_plate", label=_("Plate"))

    class Meta:
        model = Vehicle
        fields = ["vehicle_class", "status", "enterprise", "certificate", "plate"]

    def get_form_class(self):
        return type("VehicleFilterForm", (BootstrapFormMixin, super().get_form_class()), {})

    def filter_certificate(self, queryset, name, value):
        return _filter_expiry(queryset, "certificate_expires_on", value)

    def filter_plate(self, queryset, name, value):
        return queryset.filter(plate__icontains=normalise_plate(value))
