"""``generate_data``: the order the tables are filled in, the refusal to generate twice, the
reset, and the rows-per-second report."""

import random
import time

from django.apps import apps
from django.core.management.color import no_style
from django.db import connections, transaction

from gonghui.orgs.models import Org

from . import appeals, campaigns, service_projects, stations, workers
from .scales import Scale
from .writer import Writer

# Models the generator fills (Org: only the grassroots unions whose code holds the marker).
FILLED = (
    "people.Worker", "stations.Station", "hotline.Appeal", "hotline.AppealEvent",
    "hotline.DailySequence", "services.Project", "services.Session", "services.Enrollment",
    "services.Attendance", "services.WalkIn", "assistance.Campaign", "assistance.Standard",
    "assistance.BudgetLine", "assistance.Beneficiary", "assistance.PaymentBatch",
    "assistance.Payment",
)  # fmt: skip


class AlreadyGenerated(Exception):
    pass


def already_generated(using: str = "default") -> bool:
    return Org.objects.using(using).filter(code__contains=workers.MARKER).exists()


def _targets(model) -> set:
    """The models ``model``'s foreign keys (one-to-one included) point at, itself excluded."""
    return {
        f.remote_field.model
        for f in model._meta.concrete_fields
        if f.is_relation and f.remote_field.model is not model
    }


def reset_tables() -> list:
    """The filled models and every model (many-to-many tables and relations without a
    reverse name included) that refers to one of them, transitively, the referring ones first:
    what ``--reset`` empties."""
    every = apps.get_models(include_auto_created=True)
    found = {apps.get_model(label) for label in FILLED}
    while True:
        more = {m for m in every if m not in found and _targets(m) & found}
        if not more:
            break
        found |= more
    order: list = []

    def visit(model):  # depth-first: a model after everything that refers to it
        if model in order:
            return
        order.append(model)  # placeholder against cycles, moved below
        for m in every:
            if m in found and model in _targets(m):
                visit(m)
        order.remove(model)
        order.append(model)

    for model in sorted(found, key=lambda m: m._meta.label):
        visit(model)
    return order


def reset(using: str = "default") -> list[str]:
    """Empty the generated kinds of rows (all of them: demo rows in these tables go too) and
    delete the generated grassroots unions."""
    connection = connections[using]
    models = reset_tables()
    tables = [m._meta.db_table for m in models]
    with transaction.atomic(using=using):
        statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True)
        if connection.vendor == "postgresql":
            # TRUNCATE refuses tables with deferred foreign-key checks still pending (rows
            # written earlier in the same transaction): run those checks now.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        connection.ops.execute_sql_flush(statements)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        generated = Org.objects.using(using).filter(code__contains=workers.MARKER)
        generated.order_by("-depth").delete()
    return tables


def generate(scale: Scale, seed: int, *, using: str = "default", log=print) -> Writer:
    if already_generated(using):
        raise AlreadyGenerated
    writer = Writer(using)

    def rng(part: str) -> random.Random:
        # one stream per part (parts stay independent); synthetic data, not secrets
        return random.Random(f"{seed}/{part}")  # noqa: S311

    tree = workers.load_tree()
    s = scale
    steps = [
        ("grassroots", lambda: workers.write_grassroots(writer, rng("orgs"), tree, s.grassroots)),
        ("workers", lambda: workers.write_workers(writer, rng("workers"), tree, s.workers, s.pool)),
        ("stations", lambda: stations.write_stations(writer, rng("stations"), tree, s.stations)),
        ("appeals", lambda: appeals.write_appeals(writer, rng("appeals"), tree, s.appeals)),
    ]  # fmt: skip
    found = {}
    for label, step in steps:
        t0 = time.perf_counter()
        found[label] = step()
        log(f"{label}: {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    service_projects.write_projects(
        writer, rng("services"), tree, found["stations"], scale.projects, scale.sessions,
        scale.participations,
    )  # fmt: skip
    log(f"service projects: {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    campaigns.write_campaigns(writer, rng("campaigns"), tree, scale.beneficiaries)
    log(f"campaigns: {time.perf_counter() - t0:.1f} s")
    writer.analyze([Org, *(apps.get_model(label) for label in FILLED)])
    return writer
