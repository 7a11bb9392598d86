#!/bin/sh
# Entry point of the portal image. The web process (gunicorn) applies the migrations before it starts serving;
# the Celery worker and beat never do, so only one container migrates. MIGRATE_ON_START=0 turns it off.
set -eu

if [ "${1:-}" = "gunicorn" ] && [ "${MIGRATE_ON_START:-1}" = "1" ]; then
    python manage.py migrate --noinput
fi

exec "$@"
