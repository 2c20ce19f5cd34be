import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import django, json
django.setup()
from django.test import Client
r = Client().get('/healthz')
print(json.dumps({'status': r.status_code, 'body': json.loads(r.content)}))
"""


@pytest.mark.django_db
def test_healthz_ok_on_the_configured_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def _probe(database_url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "gonghui.settings"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "database_url",
    [
        # nothing listens on port 1: PostgreSQL is down
        "postgres://postgres@127.0.0.1:1/test?connect_timeout=2",
        # SQLite file in a directory that does not exist: cannot be opened
        "sqlite:////nonexistent-gonghui-dir/db.sqlite3",
    ],
)
def test_healthz_answers_503_when_the_database_is_down(database_url):
    result = _probe(database_url)
    assert result["status"] == 503
    assert result["body"]["status"] == "error"
    assert result["body"]["database"] != "ok"
