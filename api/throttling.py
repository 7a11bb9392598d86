"""Rate limits, in the cache (in memory when embedded, Redis with REDIS_URL): per token (its own rate or
``API_TOKEN_RATE``) and per logged-in user (``API_USER_RATE``). Past the limit: 429 with Retry-After. With the cache
down the limit fails open: the request is answered, and the lapse logged. A token's rate that cannot be read (stored
before rates were checked at issue) is logged as an error and the default applies."""

import logging

from django.conf import settings
from rest_framework import throttling

from core.cache import CACHE_ERRORS

from .permissions import token_of
from .rates import parse_rate

logger = logging.getLogger(__name__)


class ApiThrottle(throttling.SimpleRateThrottle):
    scope = "api"

    def allow_request(self, request, view):
        token = token_of(request)
        if token is not None:
            self.rate = self._token_rate(token)
            self.key = f"api-throttle:token:{token.pk}"
        elif request.user and request.user.is_authenticated:
            self.rate = settings.API_USER_RATE
            self.key = f"api-throttle:user:{request.user.pk}"
        else:
            return True  # refused as unauthenticated (401) anyway
        self.num_requests, self.duration = parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS:
            logger.warning("api: the cache is not available; %s is not rate limited", self.key, exc_info=True)
            return True

    @staticmethod
    def _token_rate(token) -> str:
        if not token.rate:
            return settings.API_TOKEN_RATE
        try:
            parse_rate(token.rate)
        except ValueError:
            logger.error(
                "api: token %s has the rate %r, which cannot be read; the default %s applies",
                token.pk,
                token.rate,
                settings.API_TOKEN_RATE,
            )
            return settings.API_TOKEN_RATE
        return token.rate

    def get_rate(self):
        return None  # set per request in allow_request

    def get_cache_key(self, request, view):
        return self.key
