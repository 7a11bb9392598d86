"""Who is calling: a client with a token (``Authorization: Bearer <token>``) or a logged-in user (session)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import ApiToken, token_hash
from .services import api_token_mark_used


class TokenClient:
    """``request.user`` for a token: an authenticated principal that is not a portal user. What it may read is
    its token's scope (``request.auth``); what it may write, its acting user's rights."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    pk = None
    id = None

    def __init__(self, token: ApiToken):
        self.token = token

    def __str__(self):
        return f"API: {self.token.prefix}"


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keywords = (b"bearer", b"token")

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header: use “Bearer <token>”."))
        try:
            plain = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        try:
            token = ApiToken.objects.get(key_hash=token_hash(plain))  # its user is loaded only to write
        except ApiToken.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.is_active:
            raise exceptions.AuthenticationFailed(_("This token has expired or was revoked."))
        api_token_mark_used(token)
        return TokenClient(token), token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
