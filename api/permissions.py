"""What a caller may do with a resource (``view.resource``):

- a token: read the resources in its scope (everything of them: the province reads the county's data); write
  (POST) only if it was granted writing and has an active acting user — then the apps' services apply that user's
  rules, as on the pages;
- a logged-in user (session): every active bureau user may call the API; each list is restricted to what the
  user may see on the pages (``restrict(user)``), and writes go through the same services.
"""

from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions

from .models import ApiToken


def token_of(request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


class ApiAccess(permissions.BasePermission):
    def has_permission(self, request, view):
        token = token_of(request)
        if token is None:
            user = request.user
            return bool(user and user.is_authenticated and user.is_active)
        resource = getattr(view, "resource", None)
        if resource is not None and not token.allows(resource):
            raise exceptions.PermissionDenied(
                _("This token's scope does not include “%(resource)s”.") % {"resource": resource}
            )
        if request.method not in permissions.SAFE_METHODS:
            if not token.can_write:
                raise exceptions.PermissionDenied(_("This token may only read."))
            if token.user is None or not token.user.is_active:
                raise exceptions.PermissionDenied(_("This token has no active user to write as."))
        return True
