from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from core.admin import PortalModelAdmin

from .models import Township, Unit, UnitAlias, User


class UnitAliasInline(admin.TabularInline):
    """The other names the unit is written with in the bureau's sheets (former names, abbreviations)."""

    model = UnitAlias
    extra = 1
    fields = ["name", "note"]


@admin.register(Unit)
class UnitAdmin(PortalModelAdmin):
    """Units and their responsibilities: the flags that the safety, emergency and inspections rules read."""

    list_display = ["name", "short_name", "kind", "overseeing_leader", *Unit.RESPONSIBILITIES, "sort_order"]
    list_filter = ["kind", *Unit.RESPONSIBILITIES]
    search_fields = ["name", "short_name"]
    list_select_related = ["overseeing_leader"]
    inlines = [UnitAliasInline]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "kind", "overseeing_leader", "sort_order", "is_demo"]}),
        (_("Responsibilities"), {"fields": list(Unit.RESPONSIBILITIES)}),
    ]


@admin.register(Township)
class TownshipAdmin(PortalModelAdmin):
    list_display = ["name", "kind", "code", "sort_order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]


@admin.register(User)
class UserAdmin(PortalModelAdmin, DjangoUserAdmin):
    list_display = ["username", "full_name", "unit", "role", "is_active", "last_login"]
    list_filter = ["role", "unit", "is_active"]
    search_fields = ["username", "full_name", "email", "phone"]
    list_select_related = ["unit"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "email", "phone"]}),
        (_("Unit and role"), {"fields": ["unit", "role", "is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "full_name", "unit", "role", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
