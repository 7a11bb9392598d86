from auditlog.mixins import AuditlogHistoryAdminMixin
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.forms.models import construct_instance
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .audit import set_actor
from .writes import CheckWrites


class PortalModelAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    """Base admin: the portal's administrators manage everything here (the site admits nobody else), and each
    object shows its audit history."""

    show_auditlog_history_link = True

    def _is_administrator(self, request) -> bool:
        return request.user.is_active and request.user.is_administrator

    def has_module_permission(self, request):
        return self._is_administrator(request)

    def has_view_permission(self, request, obj=None):
        return self._is_administrator(request)

    def has_add_permission(self, request):
        return self._is_administrator(request)

    def has_change_permission(self, request, obj=None):
        return self._is_administrator(request)

    def has_delete_permission(self, request, obj=None):
        return self._is_administrator(request)

    def get_changeform_initial_data(self, request):
        """The add page's initial values from the query string (``?enterprise=3``), without those that name no
        possible row (``?enterprise=abc``): those would fail while the form is drawn."""
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.is_relation:
                continue
            target = field.target_field
            try:
                for pk in value if isinstance(value, list) else [value]:
                    target.run_validators(target.to_python(pk))
            except ValidationError:
                del initial[name]
        return initial

    def auditlog_history_view(self, request, object_id, extra_context=None):
        """An object's audit history; for an id that no row has, the admin's usual "does not exist" message on
        the list (as the change page gives), not an error."""
        if self.get_object(request, unquote(object_id)) is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().auditlog_history_view(request, object_id, extra_context)


def _register_import_jobs():
    from .models import ImportJob

    @admin.register(ImportJob)
    class ImportJobAdmin(PortalModelAdmin):
        """Import jobs, for administrators to follow (read only: jobs are run by the portal)."""

        list_display = ("file_name", "user", "flow_key", "phase", "state", "rows_total", "rows_refused", "created_at")
        list_filter = ("state", "phase", "flow_key")
        search_fields = ("file_name", "user__username", "user__full_name")
        list_select_related = ("user",)
        readonly_fields = [field.name for field in ImportJob._meta.fields]

        def has_add_permission(self, request):
            return False

        def has_change_permission(self, request, obj=None):
            return False


_register_import_jobs()


class ReadOnlyAdmin(PortalModelAdmin):
    """Rows the portal writes (its imports, tasks and outboxes): administrators follow them here, nobody adds or
    edits them. ``deletable``: whether administrators may still delete them (e.g. old notifications)."""

    deletable = True

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.deletable and super().has_delete_permission(request, obj)


class ReadOnlyInline(admin.TabularInline):
    """An object's parts that are written with it on its page, through its service (a report's problems, a
    project's funding rows, a hazard's steps …): shown here, never added, changed or removed."""

    extra = 0

    def get_readonly_fields(self, request, obj=None):
        if self.fields:
            return self.fields
        return [
            field.name
            for field in self.model._meta.fields
            if not field.primary_key and field.related_model is not self.parent_model
        ]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceModelAdmin(PortalModelAdmin):
    """An admin whose saves go through the app's service, like every other door: ``service_save(request, obj,
    changes, writes)`` calls it (``obj`` as stored, ``changes`` the changed form fields). The form runs the service
    with ``CheckWrites`` first, so a refusal shows under its field like any form error; ``save_model`` then runs
    it for real. Workflow fields belong in ``readonly_fields``.

    ``validated_by_service = True``: the form leaves the model's validation to the service, for a service that
    normalises what it is given before it validates (a credit code or a plate in lower case, with spaces): the
    service's errors show under the fields all the same. The fields in ``normalised_fields`` then take a value
    longer than the column while it still has its spaces."""

    validated_by_service = False
    normalised_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in self.normalised_fields:
            field.max_length = None
            field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
            field.widget.attrs.pop("maxlength", None)
        return field

    def service_save(self, request, obj, changes: dict, writes=None):
        raise NotImplementedError

    def service_delete(self, request, obj) -> None:
        """Delete ``obj`` through the app's service where it has one (override); by default a plain delete under
        the acting user, recorded in the audit history."""
        with set_actor(request.user), transaction.atomic():
            obj.delete()

    def delete_model(self, request, obj):
        self.service_delete(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.service_delete(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        admin_ = self

        class ServiceForm(form_class):
            def _post_clean(self):
                stored = type(self.instance)._default_manager.get(pk=self.instance.pk) if self.instance.pk else None
                if admin_.validated_by_service:
                    try:
                        self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
                    except ValidationError as error:
                        self._update_errors(error)
                else:
                    super()._post_clean()
                if self.errors:
                    return
                try:
                    admin_.service_save(request, stored, admin_.changes(self), writes=CheckWrites())
                except ValidationError as error:
                    admin_.form_errors(self, error)
                except PermissionDenied as error:
                    self.add_error(None, str(error))

        return ServiceForm

    @staticmethod
    def changes(form) -> dict:
        return {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}

    @staticmethod
    def form_errors(form, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, error)

    def save_model(self, request, obj, form, change):
        stored = type(obj)._default_manager.get(pk=obj.pk) if change else None
        saved = self.service_save(request, stored, self.changes(form))
        if saved is not None and saved is not obj:
            obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        # The service set the many-to-many fields with the others (they are among the changes it was given).
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class MonthlyReviewAdmin(PortalModelAdmin):
    """The admin of a month's report reviewed by the unit head (``core.models.MonthlyReview``). Such a report is
    written, changed and submitted on the portal's pages through the app's services, so here every field is read
    only and nothing is added. "Accept selected" calls the app's accept service (``accept(request, entry)``) for
    each entry, with the same rules as the page (four eyes, only what is waiting), and reports each refusal; a
    return needs a reason and is made on the entry's page, which each entry links to."""

    actions = ["accept_selected"]

    def accept(self, request, entry):
        raise NotImplementedError

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # shown, not saved: the action and the page change it

    def get_fields(self, request, obj=None):
        fields = self.fields or [field.name for field in self.model._meta.fields if field.name != "id"]
        return [*fields, "review_page"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=gettext_lazy("review"))
    def review_page(self, entry):
        if entry.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', entry.get_absolute_url(), _("Accept or return it with a reason on its page")
        )

    @admin.action(description=gettext_lazy("Accept the selected entries"))
    def accept_selected(self, request, queryset):
        accepted = 0
        for entry in queryset:
            try:
                self.accept(request, entry)
            except PermissionDenied as error:
                self.message_user(request, f"{entry}: {error}", messages.ERROR)
            except ValidationError as error:
                self.message_user(request, f"{entry}: {' '.join(error.messages)}", messages.ERROR)
            else:
                accepted += 1
        if accepted:
            self.message_user(
                request,
                ngettext("%(count)d entry was accepted.", "%(count)d entries were accepted.", accepted)
                % {"count": accepted},
                messages.SUCCESS,
            )
