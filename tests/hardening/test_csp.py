"""Content-Security-Policy (issue 13): every response carries the portal's policy, and no template needs an inline
script or an inline event handler, so that ``script-src 'self'`` holds."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parent.parent.parent
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        reverse("login"),  # a page
        "/no-such-page/",  # a 404
        "/static/css/portal.css",  # a static file (WhiteNoise answers before the views)
        reverse("api:schema"),  # the API refuses an anonymous caller
    ],
)
def test_every_response_carries_the_policy(client, url):
    assert directives(client.get(url)) == POLICY


def test_the_api_docs_page_loads_its_script_from_a_url(admin_user, client):
    client.force_login(admin_user)
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline script on the API docs page"
    script = re.search(r'<script src="([^"]*script=[^"]*)"', html).group(1).replace("&amp;", "&")
    assert client.get(script)["Content-Type"].startswith("application/javascript")


TEMPLATES = sorted((BASE_DIR / "templates").rglob("*.html"))
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|action|src)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(BASE_DIR)))
def test_no_template_has_inline_script(template):
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "an inline <script>: move it to a static file"
    assert not INLINE_HANDLER.search(text), "an inline event handler (on…=): use data- attributes and static JS"
    assert not JAVASCRIPT_URL.search(text), "a javascript: URL"


def test_the_redoc_page_needs_nothing_from_outside_and_no_inline_script(admin_user, client):
    client.force_login(admin_user)
    response = client.get(reverse("api:redoc"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "googleapis" not in html and "gstatic" not in html and "https://" not in html
    assert not INLINE_SCRIPT.search(html), "an inline script on the Redoc page"
    script = re.search(r'<script src="([^"]+)"', html).group(1)
    assert script.startswith(settings.STATIC_URL) or script.startswith("/" + settings.STATIC_URL)
    assert finders.find(script.split(settings.STATIC_URL, 1)[1])  # one of the portal's own static files
