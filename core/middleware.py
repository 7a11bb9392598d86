"""Response headers the portal adds to everything it answers."""

from django.conf import settings


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
