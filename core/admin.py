from auditlog.mixins import AuditlogHistoryAdminMixin
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError

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


class ServiceModelAdmin(PortalModelAdmin):
    """An admin whose saves go through the app's service, like every other door: ``service_save(request, obj,
    changes, writes)`` calls it (``obj`` as stored, ``changes`` the changed form fields). The form runs the service
    with ``CheckWrites`` first, so a refusal shows under its field like any form error; ``save_model`` then runs
    it for real. Workflow fields belong in ``readonly_fields``."""

    def service_save(self, request, obj, changes: dict, writes=None):
        raise NotImplementedError

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        admin_ = self

        class ServiceForm(form_class):
            def _post_clean(self):
                stored = type(self.instance)._default_manager.get(pk=self.instance.pk) if self.instance.pk else None
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
