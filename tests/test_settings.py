import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from partnerships.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent


def start_django(**env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    environment.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
        ],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "partnerships.settings"},
        capture_output=True,
        text=True,
    )


def test_production_refuses_the_development_secret_key():
    result = start_django(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is the development key" in result.stderr


def test_debug_is_off_unless_asked_for():
    assert start_django().returncode != 0


def test_production_starts_with_its_own_secret_key():
    result = start_django(DEBUG="0", SECRET_KEY="a-long-random-production-secret")
    assert result.returncode == 0, result.stderr


def test_database_url_chooses_the_database():
    sqlite = start_django(DEBUG="1", DATABASE_URL="")
    postgres = start_django(DEBUG="1", DATABASE_URL="postgres://u@127.0.0.1:5432/db")
    assert sqlite.stdout.strip() == "django.db.backends.sqlite3"
    assert postgres.stdout.strip() == "django.db.backends.postgresql"


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    monkeypatch.setenv("NUMBER", "12")
    monkeypatch.setenv("HOSTS", "a.example, b.example,")
    assert env_bool("FLAG", False) is True
    assert env_bool("MISSING", True) is True
    assert env_int("NUMBER", 0) == 12
    assert env_list("HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be a boolean"):
        env_bool("FLAG", False)
    monkeypatch.setenv("NUMBER", "many")
    with pytest.raises(ImproperlyConfigured, match="NUMBER must be an integer"):
        env_int("NUMBER", 0)
