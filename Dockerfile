# syntax=docker/dockerfile:1
# Production image: gunicorn for `web`, the same image runs `worker` and `beat`.
FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# Dependencies only, so the layer is rebuilt when pyproject.toml changes,
# not on every code change. The project itself runs from /app.
FROM base AS build
RUN python -m venv /opt/venv
COPY pyproject.toml /tmp/pyproject.toml
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('/tmp/pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt

FROM base AS runtime
RUN useradd --create-home --uid 10001 portal
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=portal:portal . .
# collectstatic needs settings that load; these values live only in this step.
RUN DEBUG=False SECRET_KEY=collectstatic-only-not-a-real-secret-key-0123456789abcdef \
    ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media /app/var/beat \
    && chown -R portal:portal /app/var /app/staticfiles
USER portal
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://localhost:8000/health/', timeout=4).status != 200)"
# The access log leaves out query strings: a tracking code may be in one.
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-", "--access-logformat", "%(h)s %(t)s \"%(m)s %(U)s %(H)s\" %(s)s %(b)s %(L)s"]
