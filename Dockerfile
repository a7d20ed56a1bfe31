# Production image: gunicorn serves the site (static files through WhiteNoise); the same image
# runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    ZMD_MODE=production ZMD_VAR_DIR=/var/lib/zmd STATIC_ROOT=/app/staticfiles MEDIA_ROOT=/var/lib/zmd/media

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
# collectstatic needs settings that load; the real secret comes from the environment at run time.
RUN SECRET_KEY=build-only-collectstatic-0000000000000000000000000000000000 \
    python manage.py collectstatic --noinput -v0 \
    && useradd --system --home /var/lib/zmd zmd \
    && mkdir -p /var/lib/zmd/media /var/lib/zmd/beat && chown -R zmd /var/lib/zmd
USER zmd
EXPOSE 8000
CMD ["gunicorn", "zmd_targets.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
