"""Plumbing shared by the benchmarks: the scratch database (create, drop), Django set-up
against it, the fixtures every benchmark needs, timing and printing."""

import os
import secrets
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from cryptography.fernet import Fernet
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"
BENCH_DB = os.environ.get("BENCH_DB", "gonghui_bench")  # one scratch database per runner
TZ = "Asia/Shanghai"


# --- plumbing ----------------------------------------------------------------------------------


def urls(base: str) -> tuple[str, str]:
    """(maintenance URL for CREATE/DROP DATABASE, URL of the scratch database)."""
    parts = urlsplit(base)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(f"bench/run.py needs PostgreSQL; DATABASE_URL is {parts.scheme}://…")
    return (
        urlunsplit(parts._replace(path="/postgres")),
        urlunsplit(parts._replace(path=f"/{BENCH_DB}")),
    )


def recreate_database(admin_url: str, drop_only: bool = False) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        name = sql.Identifier(BENCH_DB)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def setup_django(bench_url: str) -> None:
    os.environ["DATABASE_URL"] = bench_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "gonghui.settings"
    # Production-like: DEBUG off (no query log); throw-away secrets for the scratch database.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("FIELD_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    os.environ.setdefault("FIELD_HASH_KEY", secrets.token_urlsafe(32))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def best_of(fn, repeat: int, budget: float = 30.0):
    """Run ``fn`` up to ``repeat`` times (stopping early once ``budget`` seconds are spent);
    return (best seconds, runs, last result)."""
    times, result, spent = [], None, 0.0
    while len(times) < repeat and (not times or spent < budget):
        t0 = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - t0
        times.append(elapsed)
        spent += elapsed
    return min(times), len(times), result


# 超期 at %(now)s in hand-written SQL over a hotline_appeal row: the rule of
# gonghui.hotline.selectors.overdue_q (docs/hotline-metrics.md), computed from the deadlines —
# open and not contacted past response_due, or open past resolve_due; or resolved after
# resolve_due. Merged appeals never (the counted windows leave them out anyway). The stored
# column "overdue" (overdue_notified: the task's 督办 notice) is not part of it.
OVERDUE_SQL = """(
    (status NOT IN ('resolved', 'callback_done', 'closed', 'merged')
     AND ((contacted_at IS NULL AND response_due < %(now)s) OR resolve_due < %(now)s))
    OR (status IN ('resolved', 'callback_done', 'closed') AND resolved_at > resolve_due)
  )"""


def log(msg: str) -> None:
    print(f"  … {msg}", file=sys.stderr, flush=True)


# --- fixtures in the scratch database -------------------------------------------------------------


def prepare(reuse: bool = False):
    """Migrate, load the demo org tree and make the hotline operator with a token; ``reuse``:
    the database was kept by an earlier run, which made the operator already."""
    from django.core.management import call_command

    from gonghui.orgs.demo import load_orgs
    from gonghui.people import auth
    from gonghui.people.models import RoleAssignment

    call_command("migrate", verbosity=0, interactive=False)
    orgs = load_orgs()
    from django.contrib.auth import get_user_model

    operator, created = get_user_model().objects.get_or_create(username="bench_operator")
    if created or not reuse:
        operator.set_unusable_password()
        operator.save()
        RoleAssignment.objects.get_or_create(user=operator, role="hotline_operator", org=orgs["BJ"])
    return orgs, operator, auth.issue_token(user=operator)


def district_codes(orgs) -> list[str]:
    from gonghui.orgs.models import DISTRICT_TYPES

    return sorted(code for code, org in orgs.items() if org.type in DISTRICT_TYPES)


# --- report ---------------------------------------------------------------------------------------


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    line = "  ".join("-" * w for w in widths)
    out = [line]
    for n, r in enumerate(rows):
        out.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
        if n == 0:
            out.append(line)
    out.append(line)
    return "\n".join(out)
