# The portal's image: web (gunicorn), worker and beat (Celery) all run from it; see docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --home-dir /app --no-create-home --shell /usr/sbin/nologin portal

WORKDIR /app

# Chinese fonts for the weekly briefing's PDF (fpdf2 embeds Noto Sans CJK SC; dashboard/briefing.py finds it).
# postgresql-client: pg_dump and pg_restore for `manage.py backup` / `manage.py restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk postgresql-client \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, so that a code change does not reinstall them. psycopg[binary] ships libpq.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Static files are collected (and compressed, with a manifest) into var/staticfiles at build time, with a dummy
# key that is not kept in the image. The .mo translation files are committed, so no gettext is needed here.
# var/media and var/beat are created owned by the app user so that the named volumes mounted there start writable.
RUN SECRET_KEY=build-time-only-dummy-key-for-collectstatic-not-used-at-run-time DEBUG=0 \
        python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media /app/var/beat \
    && chown -R portal:portal /app/var \
    && chmod +x /app/docker/entrypoint.sh

USER portal

EXPOSE 8000

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "liuyang_transport.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
