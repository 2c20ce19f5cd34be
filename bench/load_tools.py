"""(5) Load: the load generators — wrk (closed loop at N connections), an open loop of our own
for a fixed offered rate (Poisson arrivals), and hey (intake: it finishes every request in
flight when its time is up, so each request sent is counted) — their results in one shape:
requests, rate, p50/p95/p99 ms, non-2xx, socket errors. bench/README.md, section (5)."""

import asyncio
import dataclasses
import gc
import json
import math
import random
import re
import ssl
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

# Loopback only, to our own servers (nginx with a throw-away certificate): nothing to verify.
UNVERIFIED = ssl._create_unverified_context()  # noqa: S323


def wait_for_healthz(base: str, proc, seconds: float, what: str, log_tail) -> None:
    """Until ``base``/healthz answers 200; SystemExit with ``log_tail()`` when ``proc`` exits
    or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited: {log_tail()}")
        try:
            with urllib.request.urlopen(  # noqa: S310 - our own loopback URL
                base + "/healthz", timeout=2, context=UNVERIFIED
            ) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{what} did not answer /healthz in {seconds:g} s: {log_tail()}")


@dataclasses.dataclass
class Endpoint:
    name: str  # printed
    kind: str  # goal group: nearest, h5, staff list, metrics, intake
    paths: list[str]  # GET: cycled by wrk (hey takes the first); POST: one path
    token: str = ""
    body: dict | None = None  # POST JSON (intake)
    expect: int = 200


WRK_LUA = """
local paths = {%(paths)s}
local n = 0
%(headers)s
request = function()
  n = n + 1
  return wrk.format(nil, paths[(n %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%%d,"duration_us":%%d,"connect":%%d,"read":%%d,"write":%%d,' ..
    '"status":%%d,"timeout":%%d,"p50":%%d,"p95":%%d,"p99":%%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def wrk_script(ep: Endpoint, workdir: Path) -> Path:
    headers = f'wrk.headers["Authorization"] = "Bearer {ep.token}"' if ep.token else ""
    path = workdir / "wrk.lua"
    path.write_text(
        WRK_LUA % {"paths": ", ".join(json.dumps(p) for p in ep.paths), "headers": headers}
    )
    return path


def parse_wrk(out: str) -> dict:
    line = next((ln for ln in out.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise SystemExit(f"no summary from wrk:\n{out[-2000:]}")
    d = json.loads(line.split(" ", 1)[1])
    errors = d["connect"] + d["read"] + d["write"] + d["timeout"]
    return {
        "tool": "wrk",
        "requests": d["requests"],
        "rate": d["requests"] / (d["duration_us"] / 1e6),
        "p50": d["p50"] / 1000,
        "p95": d["p95"] / 1000,
        "p99": d["p99"] / 1000,
        "non2xx": d["status"],  # wrk: status >= 400
        "errors": errors,
        "ok": d["requests"] - d["status"],
    }


def run_wrk(base: str, ep: Endpoint, connections: int, seconds: float, workdir: Path) -> dict:
    """wrk at ``connections`` for ``seconds``, then a pause while the server drains: the
    requests wrk leaves in gunicorn's listen queue when it stops are still served, and would
    otherwise land on the next measurement."""
    script = wrk_script(ep, workdir)
    threads = min(2, connections)
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "30s"]
    out = subprocess.run(
        [*cmd, "-s", str(script), base + ep.paths[0]],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    result = parse_wrk(out.stdout + out.stderr)
    time.sleep(min(60.0, connections / max(result["rate"], 1.0) + 1.0))
    return result


# --- a fixed offered rate -------------------------------------------------------------------------
# hey -q ticks all its workers in step, so a "fixed rate" arrives as bursts of one request per
# worker at once: at 100 req/s on an idle server /healthz measured p50 15 ms under hey -q and
# 2 ms one request at a time — the bursts' queueing, not the server. wrk's think time (delay())
# cannot stand in: it connects first and then waits, and an idle connection holds one of
# gunicorn's sync workers for the whole wait. So the fixed rate is an open loop of our own:
# arrivals at exponential intervals (a Poisson stream, the usual model of independent users),
# each on its own connection like hey's (the sync workers close every one; behind nginx,
# connections are kept as a browser keeps them), its latency counted
# from when it was due to be sent, so a client that falls behind shows as latency, not as a
# lower rate (no coordinated omission).


async def _one(url, ep: Endpoint, path: str, due: float, ssl_context, kept=None):
    """(seconds from due to the whole answer, HTTP status; 0 for a socket error or timeout).
    ``kept``: idle keep-alive connections to take one from and give it back to (nginx in
    front); without it, a connection of its own, closed by the server after the answer."""
    lines = [f"GET {path} HTTP/1.1", f"Host: {url.hostname}:{url.port}"]
    lines.append("Connection: keep-alive" if kept is not None else "Connection: close")
    if ep.token:
        lines.append(f"Authorization: Bearer {ep.token}")
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    try:
        async with asyncio.timeout(30):
            if kept is None:
                reader, writer = await _connect(url, ssl_context)
                writer.write(request)
                head = await reader.readline()
                await reader.read()  # to the end: the server closes after the answer
                writer.close()
            else:
                head = b""
                while not head:  # a kept connection the server had closed: take another
                    reused = bool(kept)
                    reader, writer = kept.pop() if reused else await _connect(url, ssl_context)
                    try:
                        writer.write(request)
                        head, reusable = await read_answer(reader)
                    except (OSError, asyncio.IncompleteReadError):
                        if not reused:
                            raise
                        head, reusable = b"", False
                    if reusable:
                        kept.append((reader, writer))
                    else:
                        writer.close()
                    if not reused:
                        break
    except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
        return time.monotonic() - due, 0
    parts = head.split()
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    return time.monotonic() - due, status


async def _connect(url, ssl_context):
    return await asyncio.open_connection(url.hostname, url.port, ssl=ssl_context)


async def read_answer(reader) -> tuple[bytes, bool]:
    """Read one HTTP/1.1 answer (status line, headers, a body by Content-Length or chunked);
    return (status line, whether the connection can carry the next request). An empty
    status line: the server had closed the connection."""
    head = await reader.readline()
    if not head:
        return b"", False
    length, chunked, close = None, False, head.startswith(b"HTTP/1.0")
    while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value
        elif name == b"connection":
            close = value == b"close"
    if chunked:
        while size := int((await reader.readline()).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        while (await reader.readline()) not in (b"\r\n", b"\n", b""):  # trailers
            pass
    elif length is not None:
        await reader.readexactly(length)
    else:  # to the end of the connection
        await reader.read()
        close = True
    return head, not close


async def _open_loop(base: str, ep: Endpoint, seconds: float, rate: float, seed: int):
    url = urllib.parse.urlsplit(base)
    ssl_context = UNVERIFIED if url.scheme == "https" else None
    # Behind nginx (https) connections are kept, as browsers keep theirs: a TLS handshake per
    # request is more than the two shared cores do at these rates, and would measure the
    # client's handshakes, not the site (nginx opens its own upstream connection per request
    # either way). A few are opened before the window starts.
    kept = None
    if url.scheme == "https":
        kept = [await _connect(url, ssl_context) for _ in range(8)]
    rng = random.Random(seed)
    start = time.monotonic()
    due, n, tasks = start, 0, []
    while True:
        due += rng.expovariate(rate)
        if due - start >= seconds:
            break
        wait = due - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        path = ep.paths[n % len(ep.paths)]
        tasks.append(asyncio.create_task(_one(url, ep, path, due, ssl_context, kept)))
        n += 1
    results = await asyncio.gather(*tasks)
    for _reader, writer in kept or ():
        writer.close()
    return results, time.monotonic() - start


def run_open_loop(base: str, ep: Endpoint, seconds: float, *, rate: float, seed: int = 1) -> dict:
    """GET ``ep``'s paths in turn at ``rate`` requests a second (Poisson arrivals) for
    ``seconds``; every request is answered (or fails) before this returns."""
    # The client's own garbage collections must not be counted as the server's latency: the
    # bench process holds Django and the generated data's imports, so a full collection here
    # stalls every request in flight for 100–200 ms (measured: nearest's p99 149 ms with it,
    # /healthz's 5 ms, at the same rate). Collected before, not during, the window.
    gc.collect()
    gc.disable()
    try:
        results, took = asyncio.run(_open_loop(base, ep, seconds, rate, seed))
    finally:
        gc.enable()
    latencies = sorted(t for t, status in results if status)

    def pct(q: float) -> float:
        if not latencies:
            return math.nan
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    ok = sum(1 for _t, status in results if 200 <= status < 300)
    errors = sum(1 for _t, status in results if not status)
    return {
        "tool": "open loop",
        "requests": len(results),
        "rate": len(results) / took if took else 0.0,
        "offered": rate,
        "p50": pct(0.50),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "non2xx": len(results) - ok - errors,
        "errors": errors,
        "ok": ok,
    }


def parse_hey(out: str) -> dict:
    def number(pattern: str) -> float:
        m = re.search(pattern, out)
        return float(m.group(1)) if m else math.nan

    statuses = {int(c): int(n) for c, n in re.findall(r"\[(\d{3})\]\s+(\d+) responses", out)}
    error_part = out.split("Error distribution:", 1)[1] if "Error distribution:" in out else ""
    errors = sum(int(n) for n in re.findall(r"^\s*\[(\d+)\]\s", error_part, re.M))
    ok = sum(n for c, n in statuses.items() if 200 <= c < 300)
    return {
        "tool": "hey",
        "requests": sum(statuses.values()) + errors,
        "rate": number(r"Requests/sec:\s+([\d.]+)"),
        "p50": number(r"50% in ([\d.]+) secs") * 1000,
        "p95": number(r"95% in ([\d.]+) secs") * 1000,
        "p99": number(r"99% in ([\d.]+) secs") * 1000,  # hey prints it from 100 answers
        "non2xx": sum(n for c, n in statuses.items() if not 200 <= c < 300),
        "errors": errors,
        "ok": ok,
        "statuses": statuses,
    }


def hey_workers(rate: float) -> int:
    """Workers for an offered ``rate``: each sends at most ~10 requests a second (one every
    100 ms or more, well above the latencies measured), 2 to 50 of them."""
    return max(2, min(50, math.ceil(rate / 10)))


def run_hey(
    base: str, ep: Endpoint, seconds: float, workdir: Path, *, connections=None, rate=None
) -> dict:
    """hey -z: when the time is up every worker finishes its request in flight, so every
    request sent is answered and counted (what the intake check needs)."""
    cmd = ["hey", "-z", f"{seconds:g}s", "-t", "30"]
    if rate:
        workers = hey_workers(rate)
        cmd += ["-c", str(workers), "-q", f"{rate / workers:.3f}"]
    else:
        cmd += ["-c", str(connections)]
    if ep.token:
        cmd += ["-H", f"Authorization: Bearer {ep.token}"]
    if ep.body is not None:
        body = workdir / "body.json"
        body.write_text(json.dumps(ep.body, ensure_ascii=False))
        cmd += ["-m", "POST", "-T", "application/json", "-D", str(body)]
    out = subprocess.run(
        [*cmd, base + ep.paths[0]], capture_output=True, text=True, timeout=seconds + 90
    )
    result = parse_hey(out.stdout + out.stderr)
    if rate:
        result["offered"] = rate
    return result
