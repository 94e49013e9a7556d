"""The settings module, loaded in a fresh process for each environment it is read from.

Settings are read once at import, so every test here runs Django in a subprocess with its own environment
rather than overriding settings in the test process.
"""

import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# What the probe prints: the settings that the environment decides.
PROBE = """
import json
import logging
import django
django.setup()
from django.conf import settings
print(json.dumps({
    "CELERY_TASK_ALWAYS_EAGER": settings.CELERY_TASK_ALWAYS_EAGER,
    "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    "DATABASE_ENGINE": settings.DATABASES["default"]["ENGINE"],
    "TIME_ZONE": settings.TIME_ZONE,
    "LANGUAGE_CODE": settings.LANGUAGE_CODE,
}))
"""


def environment(**changes):
    """A copy of the test process's environment; a change to None removes the variable."""
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run(args, env):
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def read_settings(**changes) -> dict:
    result = run(["-c", PROBE], environment(**changes))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_pass_the_deployment_checklist():
    env = environment(
        DJANGO_DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(45)[:60],
        ALLOWED_HOSTS="proximity.example.org",
        SECURE_SSL_REDIRECT=None,  # the production default (on) must apply
        SECURE_HSTS_SECONDS=None,
        CELERY_TASK_ALWAYS_EAGER=None,
        # The test runner's own switch (pyproject's [tool.pytest_env]); production never sets it.
        DJANGO_ALLOW_ASYNC_UNSAFE=None,
    )
    assert len(env["SECRET_KEY"]) == 60 and "DATABASE_URL" in env

    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run(["manage.py", "check"], environment(DJANGO_DEBUG="0", SECRET_KEY=None))

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = run(["manage.py", "check"], environment(DJANGO_DEBUG="0", SECRET_KEY="too-short"))

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_without_redis_tasks_run_eagerly_in_the_calling_process():
    values = read_settings(REDIS_URL=None, CELERY_TASK_ALWAYS_EAGER=None)

    assert values["CELERY_TASK_ALWAYS_EAGER"] is True
    assert values["CELERY_BROKER_URL"] == "memory://localhost/"


def test_with_redis_tasks_go_to_the_broker():
    values = read_settings(REDIS_URL="redis://127.0.0.1:6379/0", CELERY_TASK_ALWAYS_EAGER=None)

    assert values["CELERY_TASK_ALWAYS_EAGER"] is False
    assert values["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/0"


def test_without_a_database_url_the_demo_uses_sqlite():
    values = read_settings(DATABASE_URL=None, DJANGO_DEBUG="1")

    assert values["DATABASE_ENGINE"] == "django.db.backends.sqlite3"


def test_with_a_database_url_the_project_uses_postgresql():
    values = read_settings(DATABASE_URL="postgres://root:root@127.0.0.1:5432/proximity")

    assert values["DATABASE_ENGINE"] == "django.db.backends.postgresql"


def test_time_zone_defaults_to_quebec_and_the_default_language_is_french():
    values = read_settings(TIME_ZONE=None)

    assert values["TIME_ZONE"] == "America/Toronto"
    assert values["LANGUAGE_CODE"] == "fr"


CELERY_LOGGER_PROBE = """
import json, logging
import django
django.setup()
print(json.dumps(logging.getLogger("celery.app.trace").getEffectiveLevel()))
"""


def celery_log_level(**changes) -> int:
    result = run(["-c", CELERY_LOGGER_PROBE], environment(**changes))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_eager_tasks_log_only_warnings_unless_log_level_is_set():
    # In the demo every task runs inline: one "Task … succeeded" INFO line each would bury the server's requests.
    assert celery_log_level(REDIS_URL=None, CELERY_TASK_ALWAYS_EAGER=None, LOG_LEVEL=None) == logging.WARNING
    assert celery_log_level(REDIS_URL=None, CELERY_TASK_ALWAYS_EAGER=None, LOG_LEVEL="INFO") == logging.INFO
    # With a broker the settings leave Celery's loggers alone (a worker's --loglevel decides).
    redis = "redis://127.0.0.1:6379/0"
    assert celery_log_level(REDIS_URL=redis, CELERY_TASK_ALWAYS_EAGER=None, LOG_LEVEL=None) == logging.INFO
