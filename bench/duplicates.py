"""(6) Duplicate suggestions (疑似重复, issue 15): precision and recall on the labelled set
(gonghui/hotline/tests/duplicate_pairs.py) stored among N generated appeals, and the latency of
``hotline.duplicates.suggest_duplicates`` for random stored appeals and intake drafts, for the
city hotline (whole scope) and a district operator. Goals: precision ≥ 0.9 at recall ≥ 0.8;
p99 ≤ 50 ms at 500,000 appeals. See bench/README.md, section (6).

    .venv/bin/python bench/run.py --only duplicates [--dup-appeals N] [--dup-samples N]
"""

import random
import statistics
import time

from common import log, table

GOAL_P, GOAL_R, GOAL_P99_MS = 0.9, 0.8, 50.0


def _data(args) -> dict:
    from gonghui.hotline.models import Appeal

    if args.dup_reuse:
        return {"appeals": Appeal.objects.count(), "seconds": 0.0, "reused": True}
    from load import load_data

    d = load_data(args.dup_fraction, 500, args.dup_appeals)
    return {"appeals": Appeal.objects.count(), "seconds": d["seconds"], "reused": False}


def _percentiles(ms: list[float]) -> dict:
    ms = sorted(ms)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return {"p50": q[49], "p95": q[94], "p99": q[98], "max": ms[-1], "n": len(ms)}


def _time(viewer, probes, **kw) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gonghui.hotline.duplicates import suggest_duplicates

    for p in probes[:20]:  # warm: role assignments, categories, plans
        suggest_duplicates(viewer, **{kw["as"]: p})
    times, found, queries = [], 0, 0
    for p in probes:
        t0 = time.perf_counter()
        out = suggest_duplicates(viewer, **{kw["as"]: p})
        times.append((time.perf_counter() - t0) * 1000)
        found += bool(out)
    with CaptureQueriesContext(connection) as ctx:
        suggest_duplicates(viewer, **{kw["as"]: probes[0]})
    queries = len(ctx.captured_queries)
    return {**_percentiles(times), "with_suggestions": found / len(probes), "queries": queries}


def _quality(operator) -> dict:
    """The labelled set among the generated appeals (they are distractors), then removed."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from gonghui.hotline.models import Appeal, AppealEvent
    from gonghui.hotline.tests.test_duplicates_quality import load_tellings, measure

    appeals = load_tellings(operator)
    try:
        return measure(operator, appeals)
    finally:
        ids = [a.pk for a in appeals.values()]
        AppealEvent.objects.filter(appeal_id__in=ids).delete()
        Appeal.objects.filter(pk__in=ids).delete()


def bench_duplicates(orgs, operator, args) -> dict:
    from gonghui.hotline.models import Appeal, Status
    from gonghui.orgs.models import Org
    from gonghui.people.models import RoleAssignment

    data = _data(args)
    log(f"duplicates: {data['appeals']:,} appeals; labelled set")
    quality = _quality(operator)
    district = Org.objects.get(code="BJ-CY")
    from django.contrib.auth import get_user_model

    district_op, _ = get_user_model().objects.get_or_create(username="bench_dup_cy")
    RoleAssignment.objects.get_or_create(user=district_op, role="hotline_operator", org=district)

    rng = random.Random(15)
    lo, hi = (
        Appeal.objects.order_by(f).values_list("id", flat=True).first() for f in ("id", "-id")
    )
    ids = rng.sample(range(lo, hi + 1), min(args.dup_samples * 2, hi - lo + 1))
    stored = list(Appeal.objects.filter(pk__in=ids).exclude(status=Status.MERGED))
    rng.shuffle(stored)
    stored = stored[: args.dup_samples]
    in_cy = list(
        Appeal.objects.filter(district=district)
        .exclude(status=Status.MERGED)
        .order_by("?")[: args.dup_samples]
    )
    drafts = [
        {"content": a.content, "contact_phone": a.contact_phone, "employer_name": a.employer_name,
         "employer_credit_code": a.employer_credit_code, "category": a.category.code,
         "district": a.district, "received_at": a.received_at}
        for a in Appeal.objects.filter(pk__in=[a.pk for a in stored]).select_related(
            "category", "district"
        )
    ]  # fmt: skip
    log(f"duplicates: timing {len(stored)} appeals and {len(drafts)} drafts")
    rows = {
        "case page, city hotline (whole scope)": _time(operator, stored, **{"as": "appeal"}),
        "case page, 朝阳 operator (district scope)": _time(district_op, in_cy, **{"as": "appeal"}),
        "intake draft, city hotline": _time(operator, drafts, **{"as": "draft"}),
    }
    ok = (
        quality["precision"] >= GOAL_P
        and quality["recall"] >= GOAL_R
        and all(r["p99"] <= GOAL_P99_MS for r in rows.values())
    )
    return {"data": data, "quality": quality, "latency": rows, "ok": ok}


def duplicates_report(d: dict) -> str:
    q = d["quality"]
    lines = [
        f"duplicates: labelled set {q['pairs']} pairs ({q['positives']} duplicates) among "
        f"{d['data']['appeals']:,} appeals"
        + (
            " (kept database)"
            if d["data"]["reused"]
            else f" (generated in {d['data']['seconds']:.0f} s)"
        ),
        f"  precision {q['precision']:.3f} (goal ≥ {GOAL_P}), recall {q['recall']:.3f} "
        f"(goal ≥ {GOAL_R}); tp {q['tp']}, fp {q['fp']}, fn {q['fn']}",
    ]
    rows = [("suggest_duplicates", "p50 ms", "p95 ms", "p99 ms", "max ms", "n", "found", "SQL")]
    for name, r in d["latency"].items():
        rows.append((
            name, f"{r['p50']:.1f}", f"{r['p95']:.1f}", f"{r['p99']:.1f}", f"{r['max']:.1f}",
            str(r["n"]), f"{r['with_suggestions']:.0%}", str(r["queries"]),
        ))  # fmt: skip
    lines.append(table(rows))
    lines.append(
        f"  p99 goal ≤ {GOAL_P99_MS:.0f} ms; {'all goals met' if d['ok'] else 'GOAL MISSED'}"
    )
    return "\n".join(lines)
