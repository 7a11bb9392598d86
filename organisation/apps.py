from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "organisation"
    verbose_name = _("Organisation")

    def ready(self):
        from core.audit import track

        from .models import Township, Unit, UnitAlias, User

        track(Township)
        track(Unit)
        track(UnitAlias)
        track(User, exclude_fields=("password", "last_login"))
