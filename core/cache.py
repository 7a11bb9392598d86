"""The cache may be down (Redis restarting) while the database is not. Nothing kept there is the only copy — the
dashboard's figures are counted again, a job's progress is also on its row, a rate limit may lapse for a minute —
so the callers catch these errors, log them and go on without the cache."""

import redis

CACHE_ERRORS = (redis.exceptions.RedisError,)
