# Production image: gunicorn serves the site (static files through WhiteNoise); the same image
# runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    ZMD_MODE=production ZMD_VAR_DIR=/var/lib/zmd STATIC_ROOT=/app/staticfiles MEDIA_ROOT=/var/lib/zmd/media

WORKDIR /app
# pg_dump and pg_restore for manage.py backup (the server is PostgreSQL 15).
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
# collectstatic needs settings that load; the real secret comes from the environment at run time.
RUN SECRET_KEY=build-only-collectstatic-0000000000000000000000000000000000 \
    python manage.py collectstatic --noinput -v0 \
    && useradd --system --home /var/lib/zmd zmd \
    && mkdir -p /var/lib/zmd/media /var/lib/zmd/beat /var/lib/zmd/backups && chown -R zmd /var/lib/zmd
USER zmd
EXPOSE 8000
CMD ["gunicorn", "zmd_targets.wsgi", "--config", "deploy/gunicorn.conf.py"]
