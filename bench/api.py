"""Throughput of the resident list API against a plain Django JsonResponse on the same server.

    .venv/bin/python bench/api.py [--residents 5000] [--duration 10] [--user chenshuji]

Builds the demo town in a temporary GONGZHI_DATA_DIR (SQLite), serves it with gunicorn on
127.0.0.1 (a free port, the `make run` worker settings) with GONGZHI_BENCH=1 so the baseline
`/api/bench/plain` exists, fetches a token, then loads for a fixed time each:

    GET /api/bench/plain                   (a hard-coded page of the same shape)
    GET /api/bench/plain-db                (the same queries and rows in a plain Django view)
    GET /api/v1/residents?page_size=50     (the API: token auth, scoped query, masking, JSON)
    GET /api/v1/residents?page_size=50&n=… (the same with a new query string on every request,
                                            so no kept answer can be reused: core/read_cache.py)

and prints requests per second and the ratios api/plain (the goal: ≥ 0.7), api/plain-db
(what django-ninja itself costs over hand-written Django) and api-fresh/plain (the list read
from the database on every request). The load generator is `wrk`
(Debian package `wrk`) when installed, else a bounded Python thread pool with http.client;
both talk to the loopback address only. Everything is removed afterwards.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"
API_PATH = "/api/v1/residents?page_size=50"
FRESH_PATH = API_PATH + "&n={n}"  # {n}: a new number for every request
# wrk asks for a new query string on every request (per-thread counter + random number).
WRK_FRESH = """
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, "%s" .. math.random(1, 1000000000) .. "-" .. n)
end
"""
PLAIN_PATH = "/api/bench/plain"
PLAIN_DB_PATH = "/api/bench/plain-db"
GOAL = 0.7


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def run(cmd, env, **kw):
    subprocess.run(cmd, env=env, check=True, **kw)


def prepare(data_dir: Path, residents: int, env) -> float:
    """Migrate and build the demo town; returns the seconds the demo took."""
    run([str(BIN / "gongzhi"), "migrate", "--no-input", "-v", "0"], env)
    run([str(BIN / "gongzhi"), "createcachetable"], env)  # the login-lockout counters (settings.CACHES)
    started = time.perf_counter()
    run([str(BIN / "gongzhi"), "demo", "--residents", str(residents), "--seed", "1"], env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def settings_override(data_dir: Path, env, conn_max_age: int):
    """Serve with the project's settings but another CONN_MAX_AGE, through a shim module in the
    temporary directory (the project's settings are left alone)."""
    shim = data_dir / "bench_settings.py"
    shim.write_text(f"from gongzhi.settings import *  # noqa\nDATABASES['default']['CONN_MAX_AGE'] = {conn_max_age}\n")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(data_dir), env.get("PYTHONPATH")]))
    env["DJANGO_SETTINGS_MODULE"] = "bench_settings"


def start_server(port: int, env, workers: int, threads: int) -> subprocess.Popen:
    cmd = [
        str(BIN / "gunicorn"),
        "gongzhi.wsgi",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_ready(port: int, server: subprocess.Popen, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited: {server.stderr.read().decode(errors='replace')}")
        try:
            if request(port, "GET", PLAIN_PATH)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def token_for(port: int, username: str, password: str) -> str:
    body = json.dumps({"username": username, "password": password})
    status, content = request(port, "POST", "/api/v1/auth/token", body, {"Content-Type": "application/json"})
    if status != 200:
        raise SystemExit(f"token request failed: {status} {content[:200]!r}")
    return json.loads(content)["token"]


def check_payloads(port: int, headers: dict):
    """All endpoints answer 200 with 50 rows, and the hand-written view the same rows as the
    API; returns the body sizes."""
    sizes, bodies = {}, {}
    for name, path, hdrs in (
        ("api", API_PATH, headers),
        ("plain", PLAIN_PATH, {}),
        ("plain-db", PLAIN_DB_PATH, headers),
        ("api-fresh", FRESH_PATH.format(n=0), headers),
    ):
        status, content = request(port, "GET", path, headers=hdrs)
        data = json.loads(content)
        if status != 200 or len(data["results"]) != 50:
            raise SystemExit(f"{path} answered {status} with {len(data.get('results', []))} rows")
        sizes[name], bodies[name] = len(content), data
    if not bodies["api"] == bodies["plain-db"] == bodies["api-fresh"]:
        raise SystemExit("the plain-db baseline or the fresh API request does not return what the API returns")
    return sizes


# ---- load generators ------------------------------------------------------------------------


def load_wrk(port, path, headers, duration, connections, threads) -> tuple[float, int]:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        if "{n}" in path:
            script.write(WRK_FRESH % path.replace("{n}", ""))
            script.flush()
            cmd += ["-s", script.name]
        url = f"http://{HOST}:{port}{path.replace('{n}', '0')}"
        out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    socket_errors = re.search(r"Socket errors:.*", out)
    if socket_errors:
        print(f"    wrk: {socket_errors.group(0)}")
    return rate, errors


def load_python(port, path, headers, duration, connections, threads) -> tuple[float, int]:
    """`connections` keep-alive clients in threads for `duration` seconds."""
    stop = time.monotonic() + duration
    counts, errors, lock = [0], [0], threading.Lock()

    def client():
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        done = bad = 0
        while time.monotonic() < stop:
            try:
                conn.request("GET", path.replace("{n}", f"{threading.get_ident()}-{done}-{bad}"), headers=headers)
                response = conn.getresponse()
                response.read()
                done += 1
                bad += response.status != 200
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=10)
        conn.close()
        with lock:
            counts[0] += done
            errors[0] += bad

    pool = [threading.Thread(target=client) for _ in range(connections)]
    started = time.monotonic()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return counts[0] / (time.monotonic() - started), errors[0]


def server_cpu(master_pid: int) -> float:
    """CPU seconds (user + system) spent so far by the gunicorn workers under `master_pid`,
    from /proc (Linux); 0.0 where that is not available. On a shared machine the CPU a request
    costs the server is steadier than requests per second, which other work on the machine
    drags down unevenly."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
        for pid in children:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    except (OSError, ValueError, IndexError):
        return 0.0
    return total


# ---- main -----------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=5000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per endpoint")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds sharing the duration")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--user", default="chenshuji", help="demo account (community staff; numbers masked)")
    parser.add_argument("--password", default="gongzhi-demo-2026")
    parser.add_argument("--data-dir", type=Path, help="reuse (or keep) the demo database in this directory")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=None,
        help="serve with this CONN_MAX_AGE instead of the settings' value (an experiment)",
    )
    return parser.parse_args()


def main():
    args = parse_args()
    have_wrk = shutil.which("wrk") is not None
    if not have_wrk:
        print(
            "wrk not found (Debian: apt-get install wrk); using the Python thread-pool client, "
            "which itself spends CPU and under-reports both rates."
        )
    load = load_wrk if have_wrk else load_python
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="gongzhi-bench-api-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(GONGZHI_DATA_DIR=str(data_dir), GONGZHI_BENCH="1", GONGZHI_DEBUG="0", GONGZHI_LOG_LEVEL="ERROR")
    server = None
    try:
        if args.data_dir and (data_dir / "gongzhi.sqlite3").exists():
            print(f"reusing the demo database in {data_dir}")
            run([str(BIN / "gongzhi"), "migrate", "--no-input", "-v", "0"], env)
            run([str(BIN / "gongzhi"), "createcachetable"], env)
        else:
            demo_seconds = prepare(data_dir, args.residents, env)
            print(f"demo town with {args.residents} residents built in {demo_seconds:.1f} s")
        if args.conn_max_age is not None:
            settings_override(data_dir, env, args.conn_max_age)
            print(f"serving with CONN_MAX_AGE={args.conn_max_age}")
        port = free_port()
        server = start_server(port, env, args.workers, args.threads)
        wait_ready(port, server)
        headers = {"Authorization": f"Bearer {token_for(port, args.user, args.password)}"}
        sizes = check_payloads(port, headers)
        print(
            f"gunicorn on {HOST}:{port}, {args.workers} workers × {args.threads} threads; "
            f"{args.connections} connections, {args.duration} s each; bodies: api {sizes['api']} B, "
            f"plain {sizes['plain']} B"
        )
        warm = max(1, args.duration // 5)
        targets = (
            ("plain", PLAIN_PATH, {}),
            ("plain-db", PLAIN_DB_PATH, headers),
            ("api", API_PATH, headers),
            ("api-fresh", FRESH_PATH, headers),
        )
        for _name, path, hdrs in targets:
            load(port, path, hdrs, warm, args.connections, 2)
        # Interleaved rounds, so a neighbour's load on a shared machine falls on all three alike.
        samples: dict[str, list[float]] = {name: [] for name, _p, _h in targets}
        cpu: dict[str, list[float]] = {name: [0.0, 0.0] for name, _p, _h in targets}  # seconds, requests
        slice_seconds = max(1, args.duration // args.rounds)
        for _round in range(args.rounds):
            for name, path, hdrs in targets:
                before = server_cpu(server.pid)
                rate, bad = load(port, path, hdrs, slice_seconds, args.connections, 2)
                cpu[name][0] += server_cpu(server.pid) - before
                cpu[name][1] += rate * slice_seconds
                samples[name].append(rate)
                if bad:
                    print(f"    {name}: {bad} answers were not 200")
        rates = {name: sum(values) / len(values) for name, values in samples.items()}
        print("per round: " + "; ".join(f"{n} " + ", ".join(f"{v:.0f}" for v in vs) for n, vs in samples.items()))
        per_request = {name: 1000 * secs / count if count and secs else 0.0 for name, (secs, count) in cpu.items()}
        if all(per_request.values()):
            print(
                "server CPU per request: "
                + "; ".join(f"{n} {ms:.2f} ms" for n, ms in per_request.items())
                + f" → plain/api {per_request['plain'] / per_request['api']:.2f},"
                f" plain-db/api {per_request['plain-db'] / per_request['api']:.2f},"
                f" plain/api-fresh {per_request['plain'] / per_request['api-fresh']:.2f}"
                " (the throughput ratios an otherwise idle machine would show if CPU is the limit)"
            )
        print(f"plain JsonResponse (hard-coded)   {rates['plain']:9.1f} req/s")
        print(f"plain Django view, same queries   {rates['plain-db']:9.1f} req/s")
        print(f"GET {API_PATH} {rates['api']:9.1f} req/s")
        print(f"the same, new query string each   {rates['api-fresh']:9.1f} req/s")
        ratio = rates["api"] / rates["plain"] if rates["plain"] else 0.0
        framework = rates["api"] / rates["plain-db"] if rates["plain-db"] else 0.0
        fresh = rates["api-fresh"] / rates["plain"] if rates["plain"] else 0.0
        print(f"ratio api/plain       {ratio:6.2f}  (goal ≥ {GOAL}) {'OK' if ratio >= GOAL else 'BELOW GOAL'}")
        print(f"ratio api/plain-db    {framework:6.2f}  (the framework's share)")
        print(f"ratio api-fresh/plain {fresh:6.2f}  (every request read from the database)")
        return 0
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        if not args.data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
