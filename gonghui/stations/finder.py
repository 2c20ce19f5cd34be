"""The nearest-station finder's in-memory index (docs/stations.md, decision D10).

Every process keeps the open stations as unit vectors in a k-d tree (SciPy ``cKDTree``):
the straight-line (chord) distance between unit vectors grows with the great-circle
distance, so the tree's nearest points are the great-circle nearest, exactly, with no box to
widen. Amenity bits, type and an interned opening-hours schedule sit beside each point as
NumPy arrays, so filters are array look-ups over the candidates.

Freshness: the database's ``FinderVersion`` token changes (by triggers, in the writing
transaction) on every write that could change an answer. Each search reads it first (one
primary-key look-up) and rebuilds the index when it differs, so a committed change is seen by
the next search in every process, and nothing is ever served from a rolled-back state.
A rebuild reads its rows from the read replica when there is one and it has already replayed
that token (``_rows_on_replica``), otherwise from the primary; the token and each search's
rows always come from the primary.
"""

import datetime
import json
import math
import threading
import time
from dataclasses import dataclass, field

import numpy as np
import psycopg
from django.conf import settings
from django.db import DatabaseError, connection, connections, router
from scipy.spatial import cKDTree

from gonghui.core.db_router import lag_ok
from gonghui.orgs.models import Org

from . import geo
from .hours import is_open, ranges_on
from .models import Amenity, FinderVersion, Station, StationException, StationStatus, StationType

# Relative slack when comparing chord distances: points this close to the k-th distance are
# re-ranked by (haversine, id), so ties and rounding order exactly like a brute-force scan.
_TIE = 1e-9
# Past this many tree candidates a filter is selective here: scan the filtered points instead.
_SCAN_AFTER = 4096

# Stations kept per index for the rows of answers (~2 KB each): past this many the cache
# starts again, so a national index does not hold every row in every process.
ROW_CACHE_MAX = 20_000

_lock = threading.Lock()
_indexes: dict[tuple, "FinderIndex"] = {}


def _unit_point(lat: float, lng: float) -> np.ndarray:
    """``_unit`` of one point, without numpy's per-call overhead (three times per search)."""
    p, lam = math.radians(lat), math.radians(lng)
    c = math.cos(p)
    return np.array((c * math.cos(lam), c * math.sin(lam), math.sin(p)))


def _unit(lat, lng):
    p, lam = np.radians(lat), np.radians(lng)
    c = np.cos(p)
    return np.stack([c * np.cos(lam), c * np.sin(lam), np.sin(p)], axis=-1)


@dataclass
class Hit:
    """One result: station id, great-circle distance, open now, today's ranges."""

    station_id: int
    distance_m: float
    open_now: bool
    today: list


@dataclass
class FinderIndex:
    token: int | None
    ids: np.ndarray
    lat: np.ndarray
    lng: np.ndarray
    bits: np.ndarray
    types: np.ndarray
    schedules: np.ndarray  # index into ``hours``
    hours: list  # distinct opening-hours values
    amenity_bits: dict[str, int]
    type_ids: dict[str, int]
    tree: cKDTree | None
    _exceptions: dict = field(default_factory=dict)  # date -> {station id: ranges}
    type_cache: dict = field(default_factory=dict)  # id -> StationType, filled on first use
    org_cache: dict = field(default_factory=dict)  # id -> Org, filled on first use
    # id -> Station (type and orgs attached) as loaded under ``token`` and ``rows_token``:
    # between them they move on every write to a station, its photos, an exception, an org or
    # a type, so while both hold these are the database's rows. Read-only, shared by the
    # requests of this process.
    row_cache: dict = field(default_factory=dict)
    rows_token: int | None = None
    # when (time.monotonic()) both tokens were last read from the database and matched these
    confirmed_at: float = -math.inf

    @classmethod
    def build(cls, token) -> "FinderIndex":
        rows = _rows_on_replica(token)
        if rows is None:
            rows = _station_rows(connection)
        interned: dict[str, int] = {}
        schedules = [interned.setdefault(r[5] or "{}", len(interned)) for r in rows]
        n = len(rows)
        lat = np.fromiter((r[1] for r in rows), dtype=np.float64, count=n)
        lng = np.fromiter((r[2] for r in rows), dtype=np.float64, count=n)
        return cls(
            token=token,
            ids=np.fromiter((r[0] for r in rows), dtype=np.int64, count=n),
            lat=lat,
            lng=lng,
            bits=np.fromiter((r[3] for r in rows), dtype=np.int64, count=n),
            types=np.fromiter((r[4] for r in rows), dtype=np.int64, count=n),
            schedules=np.array(schedules, dtype=np.int32),
            hours=[json.loads(text) for text in interned],
            amenity_bits=dict(Amenity.objects.values_list("code", "bit")),
            type_ids=dict(StationType.objects.values_list("code", "id")),
            tree=cKDTree(_unit(lat, lng)) if n else None,
        )

    # --- filters ------------------------------------------------------------------------

    def mask_for(self, codes) -> int | None:
        """Bit mask for amenity codes; None when a code is unknown (nothing can match)."""
        try:
            return sum(1 << self.amenity_bits[c] for c in set(codes))
        except KeyError:
            return None

    def exceptions_on(self, day: datetime.date) -> dict[int, list]:
        if day not in self._exceptions:
            rows = StationException.objects.filter(date=day).values_list("station_id", "ranges")
            self._exceptions[day] = dict(rows)
        return self._exceptions[day]

    def _station_exceptions(self, sid: int, days) -> dict | None:
        out = {d: e[sid] for d in days if sid in (e := self.exceptions_on(d))}
        return out or None

    def _open_flags(self, pos: np.ndarray, now: datetime.datetime, memo: dict) -> np.ndarray:
        """Open at ``now`` for the points at ``pos``: once per distinct schedule, then per
        station for the few with a date exception today or yesterday."""
        days = (now.date(), now.date() - datetime.timedelta(days=1))
        uniq, inverse = np.unique(self.schedules[pos], return_inverse=True)
        verdicts = np.array(
            [memo.setdefault(u, is_open(self.hours[u], now)) for u in uniq.tolist()], dtype=bool
        )
        flags = verdicts[inverse]
        special = {sid for d in days for sid in self.exceptions_on(d)}
        if special:
            for j in np.flatnonzero(np.isin(self.ids[pos], list(special))).tolist():
                p = pos[j]
                sid = int(self.ids[p])
                exc = self._station_exceptions(sid, days)
                flags[j] = is_open(self.hours[self.schedules[p]], now, exc)
        return flags

    def _keep(self, pos, mask, type_id, now, memo) -> np.ndarray:
        if mask:
            pos = pos[(self.bits[pos] & mask) == mask]
        if type_id is not None:
            pos = pos[self.types[pos] == type_id]
        if now is not None and len(pos):
            pos = pos[self._open_flags(pos, now, memo)]
        return pos

    # --- search -------------------------------------------------------------------------

    def search(self, lat, lng, *, k, mask=0, type_id=None, now, open_now=False) -> list[Hit]:
        """The ``k`` nearest matching open stations, ordered by (great-circle distance, id)."""
        n = len(self.ids)
        if not n or k < 1:
            return []
        q = _unit_point(lat, lng)
        memo: dict = {}
        only_open = now if open_now else None
        filtered = bool(mask) or type_id is not None or open_now
        want = min(n, max(4 * k, 32) if filtered else k + 1)
        while True:
            chords, pos = self.tree.query(q, want)
            chords, pos = np.atleast_1d(chords), np.atleast_1d(pos)
            kept = self._keep(pos, mask, type_id, only_open, memo)
            if len(kept) >= k:
                # the k-th match's chord; every point within it (plus slack) was fetched
                kth = float(np.sum((_unit_point(*self._point(kept[k - 1])) - q) ** 2))
                limit = math.sqrt(kth) * (1 + _TIE) + 1e-15
                if want == n or chords[-1] > limit:
                    chosen = kept[np.sqrt(self._chord2(kept, q)) <= limit]
                    break
            elif want == n:
                chosen = kept
                break
            if filtered and want >= _SCAN_AFTER:
                chosen = self._scan(q, k, mask, type_id, only_open, memo)
                break
            want = min(n, want * 4)
        return self._hits(chosen, lat, lng, k, now)

    def _point(self, p) -> tuple[float, float]:
        return float(self.lat[p]), float(self.lng[p])

    def _chord2(self, pos, q) -> np.ndarray:
        return np.sum((_unit(self.lat[pos], self.lng[pos]) - q) ** 2, axis=-1)

    def _scan(self, q, k, mask, type_id, only_open, memo) -> np.ndarray:
        """Selective filter: every matching point, nearest first, cut after the k-th (ties
        kept)."""
        pos = self._keep(np.arange(len(self.ids)), mask, type_id, None, memo)
        order = np.argsort(self._chord2(pos, q), kind="stable")
        pos = pos[order]
        if only_open is not None:
            pos = pos[self._open_flags(pos, only_open, memo)]
        if len(pos) <= k:
            return pos
        c = np.sqrt(self._chord2(pos[: k + 64], q))
        return pos[: k + 64][c <= c[k - 1] * (1 + _TIE) + 1e-15]

    def _hits(self, pos, lat, lng, k, now) -> list[Hit]:
        day = now.date()
        days = (day, day - datetime.timedelta(days=1))
        pos = pos.tolist()
        lats, lngs = self.lat[pos].tolist(), self.lng[pos].tolist()
        ids, schedules = self.ids[pos].tolist(), self.schedules[pos].tolist()
        ranked = sorted(
            (geo.haversine_m(lat, lng, a, b), sid, schedule)
            for a, b, sid, schedule in zip(lats, lngs, ids, schedules, strict=True)
        )[:k]
        out = []
        plain: dict[int, tuple] = {}  # schedule -> (open now, today's ranges), no exception
        special = [self.exceptions_on(d) for d in days]
        for distance, sid, schedule in ranked:
            hours = self.hours[schedule]
            exc = self._station_exceptions(sid, days) if any(sid in e for e in special) else None
            if exc is None:
                if schedule not in plain:
                    plain[schedule] = (is_open(hours, now), ranges_on(hours, day))
                open_now, today = plain[schedule]  # read-only, as ranges_on's own lists are
            else:
                open_now, today = is_open(hours, now, exc), ranges_on(hours, day, exc)
            out.append(Hit(sid, round(distance, 1), open_now, today))
        return out


_TOKEN_SQL = f"SELECT token FROM {FinderVersion._meta.db_table} WHERE id = 1"  # noqa: S608
_TOKENS_SQL = f"SELECT token, rows_token FROM {FinderVersion._meta.db_table} WHERE id = 1"  # noqa: S608


def _station_rows(conn) -> list[tuple]:
    """The open stations' points, bits, types and hours, on ``conn``."""
    table = Station._meta.db_table
    hours_sql = "hours::text" if conn.vendor == "postgresql" else "hours"
    with conn.cursor() as cursor:
        cursor.execute(
            f"SELECT id, lat, lng, amenity_bits, type_id, {hours_sql} FROM {table}"  # noqa: S608
            " WHERE status = %s ORDER BY id",
            [StationStatus.OPEN.value],
        )
        return cursor.fetchall()


def _token_on(conn) -> int | None:
    with conn.cursor() as cursor:
        cursor.execute(_TOKEN_SQL)
        row = cursor.fetchone()
    return row[0] if row else None


def _rows_on_replica(token) -> list[tuple] | None:
    """The index's rows from the replica (``lag_ok``), when there is one and it has reached
    ``token`` (read from the primary) — the same token before and after the rows, so they are
    the rows of that version: every write that could change an answer moves the token. None
    when the rows must come from the primary: no replica, a replica still behind, or one that
    does not answer. So a rebuild in every process after a change reads the replica, and an
    index never holds rows older than its token."""
    with lag_ok():
        alias = router.db_for_read(Station)
    if token is None or alias == connection.alias:
        return None
    replica = connections[alias]
    try:
        if _token_on(replica) != token:
            return None
        rows = _station_rows(replica)
        return rows if _token_on(replica) == token else None
    except DatabaseError:
        return None


def _key() -> tuple:
    return (connection.alias, connection.settings_dict["NAME"])


def _index_at(token) -> FinderIndex:
    """The index for ``token`` (just read from the database): this process's, or a new one."""
    key = _key()
    index = _indexes.get(key)
    if index is not None and token is not None and index.token == token:
        return index
    with _lock:
        index = _indexes.get(key)
        if index is None or token is None or index.token != token:
            # token read before the rows: a write committed in between rebuilds again next time
            index = FinderIndex.build(token)
            _indexes[key] = index
    return index


def current_token() -> int | None:
    """The version token now (None without the row: a flushed test database)."""
    return current_tokens()[0]


def current_tokens() -> tuple[int | None, int | None]:
    """``(token, rows_token)`` now; ``(None, None)`` without the row."""
    with connection.cursor() as cursor:  # hand-written: the ORM took 20× as long here
        cursor.execute(_TOKENS_SQL)
        row = cursor.fetchone()
    return (row[0], row[1]) if row else (None, None)


def current_index() -> FinderIndex:
    """This process's index for the current database, rebuilt if the token has moved."""
    return _index_at(current_token())


_clock = time.monotonic


def _confirmed_recently(index: FinderIndex) -> bool:
    """Both tokens were read and matched within ``FINDER_TOKEN_RECHECK_MS``: a search then
    answers from the rows held without reading them again. So a committed change is seen
    within that window (250 ms by default) everywhere, instead of by the very next search."""
    window = settings.FINDER_TOKEN_RECHECK_MS / 1000
    return window > 0 and _clock() - index.confirmed_at < window


def find(lat, lng, *, k, amenities=(), type_code="", now, open_now=False):
    """Search, then load the found stations in one statement that also reads the tokens — or,
    when this process already holds those rows under the same tokens, read the tokens alone,
    or not even them when they were read within ``FINDER_TOKEN_RECHECK_MS``. If the token
    shows the index was stale, rebuild and search again. So a search costs at most one round
    trip to the database, and never answers from an index or rows older than the tokens it
    read (``_confirmed_recently``: at most that window ago).

    Returns ``(hits, stations by id)``."""
    index = _indexes.get(_key()) or current_index()
    for attempt in range(2):
        mask = index.mask_for(amenities) if amenities else 0
        type_id = index.type_ids.get(type_code) if type_code else None
        if mask is None or (type_code and type_id is None):
            return [], {}
        hits = index.search(lat, lng, k=k, mask=mask, type_id=type_id, now=now, open_now=open_now)
        ids = [h.station_id for h in hits]
        cached = index.row_cache
        if not attempt and index.rows_token is not None and all(i in cached for i in ids):
            if _confirmed_recently(index):
                return hits, {i: cached[i] for i in ids}
            token, rows_token = current_tokens()
            if token == index.token and rows_token == index.rows_token:
                index.confirmed_at = _clock()
                return hits, {i: cached[i] for i in ids}
            if token != index.token:
                index = _index_at(token)
                continue
        token, rows_token, stations = _loader().load(ids)
        if token is not None and token == index.token:
            break
        if token is None and attempt:  # no version row (a flushed test database)
            stations = _loader().load(ids, with_token=False)[2]
            break
        index = _index_at(token)
    # Types and orgs are shared, read-only instances cached with the index: the token also
    # moves when an org or a station type changes (triggers, migration 0006).
    _attach(stations.values(), index.type_cache, index.org_cache)
    if token is not None and token == index.token and rows_token is not None:
        with _lock:
            full = len(index.row_cache) + len(stations) > ROW_CACHE_MAX
            if rows_token != index.rows_token or full:
                index.row_cache = {}
                index.rows_token = rows_token
            index.row_cache.update(stations)
            index.confirmed_at = _clock()
    return hits, stations


# --- the k result rows -------------------------------------------------------------------------


class _RowLoader:
    """Stations by id in one hand-written statement, turned into model instances with the ORM's
    own column converters (``Model.from_db``) — no query building per search. Their type and
    orgs are attached by ``FinderIndex.attach`` from a per-index cache."""

    def __init__(self, conn):
        self.conn = conn
        q = conn.ops.quote_name
        fields = Station._meta.concrete_fields
        self.attnames = [f.attname for f in fields]
        self.converters = []
        for f in fields:
            col = f.get_col("s")
            funcs = conn.ops.get_db_converters(col) + col.get_db_converters(conn)
            if funcs:
                self.converters.append((self.attnames.index(f.attname), col, funcs))
        select = ", ".join(f"s.{q(f.column)}" for f in fields)
        table = q(Station._meta.db_table)
        self.sql = f"SELECT {select} FROM {table} s WHERE s.id IN ({{}})"  # noqa: S608
        # The same rows beside the version token, which comes back even when no station does.
        self.sql_with_token = (
            f"SELECT v.token, v.rows_token, {select}"  # noqa: S608
            f" FROM {q(FinderVersion._meta.db_table)} v"
            f" LEFT JOIN {table} s ON s.id IN ({{}}) WHERE v.id = 1"
        )

    def load(self, ids, *, with_token=True) -> tuple[int | None, int | None, dict[int, Station]]:
        """``(token, rows_token, stations by id)`` — without type/org attached; the tokens are
        None without a version row (or when not asked for)."""
        conn = self.conn
        sql = self.sql_with_token if with_token else self.sql
        if conn.vendor == "postgresql":
            # One statement text for any k (an array parameter), run as a server-side prepared
            # statement on the raw psycopg connection, so PostgreSQL plans it once.
            conn.ensure_connection()
            sql = sql.replace("s.id IN ({})", "s.id = ANY(%s::bigint[])")
            started = time.monotonic()
            # A server-side-binding cursor: Django's connections bind client-side
            # (``ClientCursor``, never prepared) and switch preparing off altogether
            # (``prepare_threshold=None``); switching it back on affects only cursors like
            # this one. (Behind a transaction-pooling PgBouncer, set OPTIONS accordingly.)
            raw = conn.connection
            if raw.prepare_threshold is None:
                raw.prepare_threshold = 5
            with psycopg.Cursor(raw) as cursor:
                cursor.execute(sql, [ids], prepare=True)
                rows = cursor.fetchall()
            if conn.queries_logged:  # as Django's debug cursor would (query counts, tooling)
                took = f"{time.monotonic() - started:.3f}"
                conn.queries_log.append({"sql": f"{sql} -- {ids}", "time": took})
        else:
            with conn.cursor() as cursor:
                cursor.execute(sql.format(", ".join(["%s"] * len(ids)) or "NULL"), ids)
                rows = cursor.fetchall()
        token = rows_token = None
        if with_token and rows:
            token, rows_token = rows[0][0], rows[0][1]
            rows = [r[2:] for r in rows if r[2] is not None]
        out = {}
        for row in rows:
            values = list(row)
            for at, col, funcs in self.converters:
                for func in funcs:
                    values[at] = func(values[at], col, conn)
            station = Station.from_db(conn.alias, self.attnames, values)
            out[station.pk] = station
        return token, rows_token, out


def _attach(stations, types: dict, orgs: dict) -> None:
    """Set each station's type, org and district from the given caches, loading misses."""
    missing_types = {s.type_id for s in stations} - types.keys()
    if missing_types:
        types.update(StationType.objects.in_bulk(missing_types))
    missing_orgs = {i for s in stations for i in (s.org_id, s.district_id)} - orgs.keys()
    if missing_orgs:
        orgs.update(Org.objects.in_bulk(missing_orgs))
    for s in stations:
        s.type, s.org, s.district = types[s.type_id], orgs[s.org_id], orgs[s.district_id]


_loaders: dict[tuple, _RowLoader] = {}


def _loader() -> _RowLoader:
    key = (connection.alias, connection.vendor)
    loader = _loaders.get(key)
    if loader is None:
        loader = _loaders[key] = _RowLoader(connection)
    return loader


def load_stations(ids) -> dict[int, Station]:
    """``Station.objects.select_related("type", "org", "district").in_bulk(ids)``, faster."""
    stations = _loader().load(list(ids), with_token=False)[2]
    _attach(stations.values(), {}, {})
    return stations
