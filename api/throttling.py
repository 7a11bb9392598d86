"""Rate limits, in the cache (in memory when embedded, Redis with REDIS_URL): per token (its own rate or
``API_TOKEN_RATE``) and per logged-in user (``API_USER_RATE``). Past the limit: 429 with Retry-After."""

from django.conf import settings
from rest_framework import throttling

from .permissions import token_of


class ApiThrottle(throttling.SimpleRateThrottle):
    scope = "api"

    def allow_request(self, request, view):
        token = token_of(request)
        if token is not None:
            self.rate = token.rate or settings.API_TOKEN_RATE
            self.key = f"api-throttle:token:{token.pk}"
        elif request.user and request.user.is_authenticated:
            self.rate = settings.API_USER_RATE
            self.key = f"api-throttle:user:{request.user.pk}"
        else:
            return True  # refused as unauthenticated (401) anyway
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_rate(self):
        return None  # set per request in allow_request

    def get_cache_key(self, request, view):
        return self.key
