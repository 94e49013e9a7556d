FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgdal32 gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir .
COPY . .
RUN DJANGO_DEBUG=1 python manage.py compilemessages --ignore=.venv -v0 \
    && DJANGO_DEBUG=1 python manage.py collectstatic --noinput -v0
RUN useradd --create-home proximity && mkdir -p /data/media && chown proximity /data/media
USER proximity
EXPOSE 8000
