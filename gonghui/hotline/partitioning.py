"""The appeals table partitioned by province and year (PostgreSQL declarative partitioning), for
a national deployment: ``manage.py partition_appeals`` prints (``--dry-run``) or runs the
statements built here, in one transaction. docs/operations.md "Large tables" says when to.

The layout::

    hotline_appeal                PARTITION BY LIST (district_id)        -- by province
      hotline_appeal_p11          FOR VALUES IN (<district ids in 11>)
                                  PARTITION BY RANGE (received_at)       -- by year
        hotline_appeal_p11_y2025  FROM ('2025-01-01 00:00+08') TO ('2026-01-01 00:00+08')
        hotline_appeal_p11_yother DEFAULT                                -- years not made yet
      hotline_appeal_pother       DEFAULT                                -- orgs without one

- **The province key.** A partition key must be a column of the row. The appeal's own
  ``district_id`` (发生地: the district union, set at intake and not changed by dispatch) is
  that column: each province's partition lists the ids of its district-level orgs, the province
  being the first two digits of the nearest 行政区划代码 (``Org.region_code``) on the org's path
  (11 北京, 31 上海). No column is added and the application writes rows as before. A district
  org created later lands in ``hotline_appeal_pother`` until the partitions are rebuilt.
- **Keys.** Every unique constraint of a partitioned table must hold the partition keys, so
  the primary key becomes ``(id, district_id, received_at)`` and ``number`` is unique with them
  too. ``id`` still comes from one sequence and ``number`` from the one ``DailySequence`` row
  per day, so both stay unique across partitions; each leaf also gets the composite index.
- **References to appeals.** A foreign key must point at a unique constraint as it is, so no
  foreign key can point at ``hotline_appeal(id)`` any more. Each one (events, attachments,
  idempotency keys, station problem reports, ``merged_into``) is replaced by a trigger that
  checks the row exists on insert and update (``hotline_appeal_ref_check``), and deleting an
  appeal that is still referenced is refused (``hotline_appeal_ref_guard``). Django deletes and
  nulls the referencing rows itself (its ``on_delete``), before the appeal, as it already did.
- **What stays.** The events table and the others keep their layout: their rows are found by
  ``appeal_id`` (indexed), which does not need the appeal's partition. Foreign keys from the
  appeals to orgs, categories, workers and users stay foreign keys (allowed from a
  partitioned table). Indexes are made on the parent, so every partition has them.
"""

import datetime

from django.db import connection

TABLE = "hotline_appeal"
KEYS = ("district_id", "received_at")
CHECK_FN = "hotline_appeal_ref_check"
GUARD_FN = "hotline_appeal_ref_guard"


def province_districts() -> dict[str, list[int]]:
    """``{"11": [org ids…], …}``: the city-, district- and zone-level orgs (and any org already
    used as an appeal's district) by the province of their nearest ``region_code``."""
    from gonghui.orgs.models import DISTRICT_TYPES, Org, OrgType

    from .models import Appeal

    used = set(Appeal.objects.order_by().values_list("district_id", flat=True).distinct())
    wanted = Org.objects.filter(type__in=(OrgType.CITY, *DISTRICT_TYPES)) | Org.objects.filter(
        pk__in=used
    )
    region = dict(Org.objects.exclude(region_code="").values_list("code", "region_code"))
    out: dict[str, list[int]] = {}
    for pk, path in wanted.order_by("path").values_list("pk", "path"):
        codes = [c for c in path.strip("/").split("/") if c in region]
        if codes:  # the nearest region code on the path
            out.setdefault(region[codes[-1]][:2], []).append(pk)
    return out


def _year_bounds(year: int) -> tuple[str, str]:
    """A local (Asia/Shanghai) calendar year, as the 三率 and the annual report count it."""
    return f"{year}-01-01 00:00:00+08", f"{year + 1}-01-01 00:00:00+08"


def _catalog(cursor, sql: str, params=()) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


def layout_sql(years: range, provinces: dict[str, list[int]] | None = None) -> list[str]:
    """The statements that turn the unpartitioned ``hotline_appeal`` into the layout above,
    with a partition per province and year in ``years``. Reads the catalog (indexes and
    constraints as migrations made them) and the org tree; changes nothing itself."""
    provinces = province_districts() if provinces is None else provinces
    q = connection.ops.quote_name
    old = f"{TABLE}_unpartitioned"
    with connection.cursor() as cur:
        (table_oid,) = _catalog(cur, "SELECT %s::regclass::oid", [TABLE])[0]
        if _catalog(cur, "SELECT relkind FROM pg_class WHERE oid = %s", [table_oid])[0][0] == "p":
            raise ValueError(f"{TABLE} is already partitioned")
        indexes = _catalog(
            cur,
            """SELECT i.relname, x.indisprimary, x.indisunique, pg_get_indexdef(x.indexrelid),
                      (SELECT array_agg(a.attname ORDER BY k.n) FROM unnest(x.indkey)
                         WITH ORDINALITY k(attnum, n) JOIN pg_attribute a
                         ON a.attrelid = x.indrelid AND a.attnum = k.attnum)
               FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
               WHERE x.indrelid = %s ORDER BY i.relname""",
            [table_oid],
        )
        outbound = _catalog(
            cur,
            """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
               WHERE contype = 'f' AND conrelid = %s AND confrelid <> %s ORDER BY conname""",
            [table_oid, table_oid],
        )
        inbound = _catalog(
            cur,
            """SELECT c.conrelid::regclass::text, c.conname, a.attname FROM pg_constraint c
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
               WHERE c.contype = 'f' AND c.confrelid = %s ORDER BY 1, 2""",
            [table_oid],
        )
        # the table's own triggers (the staff lists' version trigger, hotline migration 0009)
        triggers = _catalog(
            cur,
            """SELECT pg_get_triggerdef(oid) FROM pg_trigger
               WHERE tgrelid = %s AND NOT tgisinternal ORDER BY tgname""",
            [table_oid],
        )
    out = [
        # earlier deferred checks in this transaction would block ALTER TABLE ("pending
        # trigger events"): run them now
        "SET CONSTRAINTS ALL IMMEDIATE",
        f"LOCK TABLE {q(TABLE)} IN ACCESS EXCLUSIVE MODE",
        f"ALTER TABLE {q(TABLE)} RENAME TO {q(old)}",
        f"CREATE TABLE {q(TABLE)} (LIKE {q(old)} INCLUDING ALL EXCLUDING INDEXES "
        f"EXCLUDING IDENTITY) PARTITION BY LIST ({q(KEYS[0])})",
    ]
    for code, ids in sorted(provinces.items()):
        part = f"{TABLE}_p{code}"
        values = ", ".join(str(int(i)) for i in ids)
        out.append(
            f"CREATE TABLE {q(part)} PARTITION OF {q(TABLE)} FOR VALUES IN ({values}) "
            f"PARTITION BY RANGE ({q(KEYS[1])})"
        )
        for year in years:
            start, end = _year_bounds(year)
            out.append(
                f"CREATE TABLE {q(f'{part}_y{year}')} PARTITION OF {q(part)} "
                f"FOR VALUES FROM ('{start}') TO ('{end}')"
            )
        out.append(f"CREATE TABLE {q(f'{part}_yother')} PARTITION OF {q(part)} DEFAULT")
    out.append(f"CREATE TABLE {q(f'{TABLE}_pother')} PARTITION OF {q(TABLE)} DEFAULT")
    out.append(f"INSERT INTO {q(TABLE)} SELECT * FROM {q(old)}")  # noqa: S608 — names only
    for table, name, _column in inbound:
        if table != TABLE:  # merged_into goes with the old table
            out.append(f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(name)}")
    out.append(f"DROP TABLE {q(old)}")  # its indexes and sequence go with it: names are free
    keys = ", ".join(q(k) for k in KEYS)
    for name, primary, unique, definition, columns in indexes:
        cols = ", ".join(q(c) for c in columns)
        if primary:
            out.append(
                f"ALTER TABLE {q(TABLE)} ADD CONSTRAINT {q(name)} PRIMARY KEY ({cols}, {keys})"
            )
        elif unique:
            out.append(f"ALTER TABLE {q(TABLE)} ADD CONSTRAINT {q(name)} UNIQUE ({cols}, {keys})")
        else:
            out.append(definition.replace(f" ON public.{old} ", f" ON public.{TABLE} "))
    for name, definition in outbound:
        out.append(f"ALTER TABLE {q(TABLE)} ADD CONSTRAINT {q(name)} {definition}")
    seq = f"{TABLE}_id_seq"
    out += [
        f"CREATE SEQUENCE {q(seq)} OWNED BY {q(TABLE)}.id",
        f"SELECT setval('{seq}', (SELECT COALESCE(max(id), 0) + 1 FROM {q(TABLE)}), false)",  # noqa: S608
        f"ALTER TABLE {q(TABLE)} ALTER COLUMN id SET DEFAULT nextval('{seq}')",
        *_reference_triggers([(t, c) for t, _n, c in inbound]),
        *(definition for (definition,) in triggers),  # read before the rename: ON hotline_appeal
        "SET CONSTRAINTS ALL DEFERRED",  # back to Django's INITIALLY DEFERRED checks
        f"ANALYZE {q(TABLE)}",
    ]
    return out


def _reference_triggers(references: list[tuple[str, str]]) -> list[str]:
    """What replaces the foreign keys that pointed at ``hotline_appeal(id)``."""
    q = connection.ops.quote_name
    out = [
        f"""CREATE OR REPLACE FUNCTION {CHECK_FN}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ref bigint;
BEGIN
  -- the row as it is now (a deferred check runs at commit: it may be gone or changed since)
  EXECUTE format('SELECT %I FROM %I.%I WHERE id = $1', TG_ARGV[0], TG_TABLE_SCHEMA, TG_TABLE_NAME)
    INTO ref USING NEW.id;
  IF ref IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {TABLE} WHERE id = ref) THEN
    RAISE foreign_key_violation USING MESSAGE = format(
      '%s.%s = %s: no such row in {TABLE}', TG_TABLE_NAME, TG_ARGV[0], ref);
  END IF;
  RETURN NULL;
END $$""",  # noqa: S608 — our own table name
        f"""CREATE OR REPLACE FUNCTION {GUARD_FN}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE found boolean;
BEGIN
  IF EXISTS (SELECT 1 FROM {TABLE} WHERE id = OLD.id) THEN
    RETURN NULL;  -- moved to another partition (an update of its district or date)
  END IF;
  FOR i IN 0 .. TG_NARGS - 1 BY 2 LOOP
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I = $1)', TG_ARGV[i], TG_ARGV[i + 1])
      INTO found USING OLD.id;
    IF found THEN
      RAISE foreign_key_violation USING MESSAGE = format(
        '{TABLE} %s is still referenced from %s.%s', OLD.id, TG_ARGV[i], TG_ARGV[i + 1]);
    END IF;
  END LOOP;
  RETURN NULL;
END $$""",  # noqa: S608 — our own table name
    ]
    for table, column in references:
        when = "AFTER INSERT OR UPDATE OF " + q(column)
        name = q(f"{table}_{column}_ref"[:63])
        if table == TABLE:  # merged_into: a plain row trigger (the table is partitioned)
            out.append(
                f"CREATE TRIGGER {name} {when} ON {q(table)} FOR EACH ROW "
                f"EXECUTE FUNCTION {CHECK_FN}('{column}')"
            )
        else:
            out.append(
                f"CREATE CONSTRAINT TRIGGER {name} {when} ON {q(table)} DEFERRABLE INITIALLY "
                f"DEFERRED FOR EACH ROW EXECUTE FUNCTION {CHECK_FN}('{column}')"
            )
    args = ", ".join(f"'{t}', '{c}'" for t, c in references)
    out.append(
        f"CREATE TRIGGER {q(f'{TABLE}_ref_guard')} AFTER DELETE OR UPDATE OF id ON {q(TABLE)} "
        f"FOR EACH ROW EXECUTE FUNCTION {GUARD_FN}({args})"
    )
    return out


def default_years(today: datetime.date | None = None) -> range:
    """From the oldest appeal's year (or last year) to next year."""
    from .models import Appeal

    today = today or datetime.date.today()
    first = Appeal.objects.order_by("received_at").values_list("received_at", flat=True).first()
    start = min(first.year if first else today.year - 1, today.year - 1)
    return range(start, today.year + 2)
