"""Response headers the portal adds to everything it answers."""

import auditlog.middleware
from django.conf import settings

from .network import client_ip


class ContentSecurityPolicyMiddleware:
    """Adds ``settings.CONTENT_SECURITY_POLICY`` (directive → sources) as the Content-Security-Policy header of every
    response, static files and error pages included (it sits first in MIDDLEWARE). A view that needs another
    policy sets the header itself; it is then left as it is."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = "; ".join(f"{name} {sources}" for name, sources in settings.CONTENT_SECURITY_POLICY.items())

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.header)
        return response


class AuditlogMiddleware(auditlog.middleware.AuditlogMiddleware):
    """django-auditlog's middleware, recording the client's address as ``core.network.client_ip`` finds it (auditlog's
    own takes X-Forwarded-For's first entry, which any client can write)."""

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)
