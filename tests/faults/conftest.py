"""The fault tests share the test's own redis-server (``tests.workers``)."""

from tests.workers import own_redis  # noqa: F401 - a fixture
