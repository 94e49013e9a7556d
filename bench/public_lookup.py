"""Benchmark: the resident's lookup served by gunicorn on loopback, next to a trivial Django JSON view.

Does everything on a fresh clone:

1. prepares a PostgreSQL database (DATABASE_URL, default postgres://root:root@127.0.0.1:5432/proximity_bench,
   created when missing), migrates it, seeds the demo (17 sectors, 21 officers, ~3,000 civic addresses) and
   collects the static files; the cache is Redis (REDIS_URL, default redis://127.0.0.1:6379/8, so the cache
   is database 9); production settings (DJANGO_DEBUG=0, no SSL redirect, ALLOWED_HOSTS=127.0.0.1);
2. starts gunicorn on a free 127.0.0.1 port with DJANGO_SETTINGS_MODULE=bench.settings (the project's
   settings; bench/urls.py adds the trivial view, production URLs never carry it), and always stops it;
3. runs 50 concurrent keep-alive clients (wrk, with bench/public_lookup.lua, installed with apt-get when
   missing; or `--client asyncio`, a lean client of this file) for 2 s of warm-up and 10 s of measurement
   per endpoint, each endpoint cycling through the seeded civic addresses' coordinates, endpoints
   interleaved, 3 rounds, and prints the median figures next to the trivial view's and the verdict.

    .venv/bin/python bench/public_lookup.py                 # about 4 minutes
    .venv/bin/python bench/public_lookup.py --profile       # in-process: queries and cProfile per endpoint

See bench/README.md for the figures measured and the choice of workers.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
BIN = os.path.dirname(sys.executable)
LUA_SCRIPT = os.path.join(ROOT, "bench", "public_lookup.lua")

ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdefghij",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://root:root@127.0.0.1:5432/proximity_bench"),
    "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/8"),
    "LOG_LEVEL": "WARNING",
    # The limiter still counts every API request in Redis (its cost is measured) but never refuses one:
    # all the benchmark's clients share one address.
    "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "1000000000/m"),
}
os.environ.update(ENV)

CONNECTIONS = 50
SEED = 20261123
# The targets, for the resident lookup API.
TARGET_THROUGHPUT_RATIO = 0.70
TARGET_P99_MS = 50.0

# Workers for 2 cores, chosen by measurement (bench/README.md): gthread keeps connections alive, sync closes
# every connection after one response.
DEFAULT_WORKER_CLASS = "gthread"
DEFAULT_INSTANCES = 2  # one server of one worker per core, the port shared (see start_gunicorn)
DEFAULT_WORKERS = 1
DEFAULT_THREADS = 4


# --- Preparation ------------------------------------------------------------------------------------------


def manage(*arguments: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(arguments)} failed:\n{result.stdout}{result.stderr}")


def prepare() -> None:
    from bench.database import ensure_database

    ensure_database()
    manage("migrate", "--noinput", "-v0")
    manage("seed_demo")
    manage("collectstatic", "--noinput", "-v0")


def endpoint_paths() -> tuple[list[tuple[str, list[str]]], list[str]]:
    """The endpoints, each with its request paths; and the reasons for those skipped."""
    import django

    django.setup()
    from django.db import connection

    from beats.models import CivicAddress

    addresses = list(CivicAddress.objects.order_by("pk"))
    connection.close()
    if not addresses:
        sys.exit("no civic addresses: seed_demo did not load the demo addresses")
    random.Random(SEED).shuffle(addresses)
    points = [f"lon={a.lon:.6f}&lat={a.lat:.6f}" for a in addresses]
    endpoints = [
        ("trivial JSON view (baseline)", ["/bench/trivial"]),
        ("API sectors/locate", [f"/api/v1/sectors/locate?{p}" for p in points]),
    ]
    skipped = []
    if _route_name("/api/v1/") == "index":
        endpoints.append(("API index (the API's floor)", ["/api/v1/"]))
    if _route_name("/api/v1/lookup") == "lookup":
        endpoints.append(("API lookup", [f"/api/v1/lookup?{p}" for p in points]))
    else:
        skipped.append("API lookup: /api/v1/lookup is not in the URLs yet (public/api.py), not measured")
    endpoints.append(("page /fr/?lon=&lat=", [f"/fr/?{p}" for p in points]))
    queries = [
        urllib.parse.urlencode({"q": f"{a.civic_number} {a.street}, {a.municipality}"}) for a in addresses
    ]
    endpoints.append(("page /fr/?q=address", [f"/fr/?{q}" for q in queries]))
    return endpoints, skipped


def _route_name(path: str) -> str | None:
    from django.urls import Resolver404, resolve

    try:
        return resolve(path).url_name
    except Resolver404:
        return None


# --- gunicorn -----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, options, log_path: str) -> subprocess.Popen:
    command = [
        os.path.join(BIN, "gunicorn"),
        "config.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--worker-class={options.worker_class}",
        f"--workers={options.workers}",
        f"--threads={options.threads}",
        "--keep-alive=5",
        # Several servers on one port: the kernel spreads the connections over their sockets, so that one
        # worker cannot end up holding most keep-alive connections while the other idles (seen here with
        # one server of 2 workers: the same endpoint ran at 1,100 or 2,600 req/s from one round to the next).
        "--reuse-port",
        "--backlog=2048",
        "--log-level=warning",
        f"--error-logfile={log_path}",
        f"--chdir={ROOT}",
    ]
    return subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL, start_new_session=True)


class Servers(list):
    """The gunicorn servers sharing the port (see --instances)."""

    def poll(self):
        return next((server.poll() for server in self if server.poll() is not None), None)

    @property
    def returncode(self):
        return self.poll()


def start_servers(port: int, options, log_path: str) -> Servers:
    return Servers(start_gunicorn(port, options, log_path) for _ in range(options.instances))


def wait_until_served(server: subprocess.Popen, port: int, log_path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            with open(log_path) as log:
                sys.exit(f"gunicorn exited with {server.returncode}:\n{log.read()}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/trivial", timeout=2) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.2)
    sys.exit("gunicorn did not answer within 60 s")


def stop_servers(servers: Servers) -> None:
    for server in servers:
        stop_gunicorn(server)


def servers_cpu_seconds(servers: Servers) -> float | None:
    seconds = [server_cpu_seconds(server) for server in servers]
    return None if None in seconds else sum(seconds)


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check_answers(port: int, endpoints) -> None:
    """A sample of each endpoint's paths must answer 2xx (wrk counts only statuses ≥ 400 as errors)."""
    opener = urllib.request.build_opener(NoRedirect)
    for label, paths in endpoints:
        for path in paths[:: max(1, len(paths) // 20)]:
            try:
                with opener.open(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            if not 200 <= status < 300:
                sys.exit(f"{label}: {path} answered {status}; the benchmark needs every path to answer 2xx")


def server_cpu_seconds(server: subprocess.Popen) -> float | None:
    """User + system CPU of the gunicorn master and its workers (Linux /proc), else None."""
    try:
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            with contextlib.suppress(OSError), open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
                if int(entry) == server.pid or int(fields[1]) == server.pid:
                    total += int(fields[11]) + int(fields[12])
        return total / ticks
    except (OSError, ValueError):
        return None


# --- Load clients -------------------------------------------------------------------------------------------


def ensure_wrk() -> str | None:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if shutil.which("apt-get") is None:
        return None
    print("wrk is missing: installing the Debian package wrk (apt-get install wrk) for the load generator")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], env=env, check=False)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], env=env, check=False)
    return shutil.which("wrk")


def run_load(options, port: int, paths_file: str, seconds: float) -> dict:
    """One load run; returns requests/s, latency percentiles in ms, errors, and the client's CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    if options.client == "wrk":
        command = [
            options.wrk,
            f"--threads={options.client_threads}",
            f"--connections={CONNECTIONS}",
            f"--duration={seconds:g}s",
            "--timeout=10s",
            f"--script={LUA_SCRIPT}",
            f"http://127.0.0.1:{port}",
            "--",
            paths_file,
        ]
    else:
        command = [sys.executable, __file__, "--load-client", str(port), paths_file, f"{seconds:g}"]
    output = subprocess.run(command, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = [line for line in output.stdout.splitlines() if line.startswith("WRK-RESULT ")]
    if output.returncode or not lines:
        sys.exit(f"load client failed ({output.returncode}):\n{output.stdout}{output.stderr}")
    raw = json.loads(lines[-1].split(" ", 1)[1])
    return {
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50": raw["p50_us"] / 1000,
        "p90": raw["p90_us"] / 1000,
        "p99": raw["p99_us"] / 1000,
        "max": raw["max_us"] / 1000,
        "errors": raw["socket_errors"] + raw["non_2xx"],
        "requests": raw["requests"],
        "client_cpu": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
    }


async def _client_loop(requests, port, start, deadline, latencies, counts) -> None:
    reader = writer = None
    index = start
    while time.perf_counter() < deadline:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            request = requests[index % len(requests)]
            index += 1
            began = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length, close = 0, False
            for line in head.lower().split(b"\r\n")[1:]:
                if line.startswith(b"content-length:"):
                    length = int(line[15:])
                elif line.startswith(b"connection:") and b"close" in line:
                    close = True
            await reader.readexactly(length)
            ended = time.perf_counter()
        except (OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            counts["socket_errors"] += 1
            if writer is not None:
                writer.close()
            writer = None
            continue
        if ended <= deadline:
            latencies.append(ended - began)
            if not 200 <= status < 300:
                counts["non_2xx"] += 1
        if close:
            writer.close()
            writer = None
    if writer is not None:
        writer.close()


async def _load_client(port: int, paths_file: str, seconds: float) -> None:
    with open(paths_file) as lines:
        paths = [line.rstrip("\n") for line in lines if line.strip()]
    requests = [f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode() for path in paths]
    latencies: list[float] = []
    counts = {"socket_errors": 0, "non_2xx": 0}
    began = time.perf_counter()
    deadline = began + seconds
    await asyncio.gather(
        *(
            _client_loop(requests, port, n * 7919 % len(requests), deadline, latencies, counts)
            for n in range(CONNECTIONS)
        )
    )
    latencies.sort()

    def percentile(p: float) -> int:
        return (
            round(latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1e6) if latencies else 0
        )

    result = {
        "requests": len(latencies),
        "duration_us": round(seconds * 1e6),
        **counts,
        "p50_us": percentile(50),
        "p90_us": percentile(90),
        "p99_us": percentile(99),
        "max_us": round(latencies[-1] * 1e6) if latencies else 0,
    }
    print("WRK-RESULT " + json.dumps(result))


# --- Profiling ----------------------------------------------------------------------------------------------


def profile(endpoints, requests_per_endpoint: int = 300) -> None:
    """Each endpoint in-process through Django's test client: time, SQL queries and Redis commands per
    request, then cProfile restricted to the project's own code."""
    import cProfile
    import pstats
    import re

    import redis
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    commands: list[str] = []
    execute_command = redis.Redis.execute_command

    def counting(self, *args, **options):
        commands.append(str(args[0]))
        return execute_command(self, *args, **options)

    redis.Redis.execute_command = counting
    client = Client(HTTP_HOST="127.0.0.1")
    for label, paths in endpoints:
        for path in paths[:50]:  # warm: the sector index, translations, templates, connections, the cache
            client.get(path)
        chosen = [paths[n % len(paths)] for n in range(requests_per_endpoint)]
        began = time.perf_counter()
        for path in chosen:
            client.get(path)
        elapsed = time.perf_counter() - began
        commands.clear()
        with CaptureQueriesContext(connection) as queries:
            for path in chosen:
                client.get(path)
        per_request = len(queries) / len(chosen)
        redis_commands = " ".join(sorted(set(commands)))
        print(
            f"\n== {label}: {elapsed / len(chosen) * 1000:.2f} ms/request in-process (no profiler), "
            f"{per_request:.1f} SQL queries, {len(commands) / len(chosen):.1f} Redis commands ({redis_commands})"
        )
        for query in queries.captured_queries[: round(per_request)]:
            print(f"   SQL: {query['sql'][:140]}")
        profiler = cProfile.Profile()
        profiler.enable()
        for path in chosen:
            client.get(path)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(rf"^{re.escape(ROOT)}/(?!\.venv/)", 15)
    redis.Redis.execute_command = execute_command


# --- Main ---------------------------------------------------------------------------------------------------


def print_table(endpoints, results, options, skipped) -> None:
    base_label = endpoints[0][0]
    base = results[base_label]
    print(
        f"\n{'endpoint':<30}{'req/s':>8}{'% base':>8}{'p50 ms':>8}{'p90 ms':>8}{'p99 ms':>8}{'p99 ×b':>8}"
        f"{'max ms':>8}{'errors':>8}{'srv CPU':>9}{'client':>8}"
    )
    print(f"{'':<102}{'ms/req':>9}{'CPU %':>8}")
    for label, _paths in endpoints:
        figures = results[label]
        cpu = f"{figures['server_ms_per_request']:.2f}" if figures["server_ms_per_request"] else "-"
        print(
            f"{label:<30}{figures['rps']:>8.0f}{figures['rps'] / base['rps']:>8.0%}{figures['p50']:>8.1f}"
            f"{figures['p90']:>8.1f}{figures['p99']:>8.1f}{figures['p99'] / base['p99']:>8.1f}"
            f"{figures['max']:>8.0f}{figures['errors']:>8}{cpu:>9}{figures['client_cpu_percent']:>8.0f}"
        )
    for reason in skipped:
        print(f"skipped: {reason}")
    print(
        f"(medians of {options.rounds} rounds; errors = socket errors + non-2xx, summed over the rounds; "
        "srv CPU = gunicorn's CPU per request, not PostgreSQL's or Redis's; client CPU % of one core)"
    )
    target = "API lookup" if "API lookup" in results else None
    print(
        f"\ntargets for the API lookup: ≥ {TARGET_THROUGHPUT_RATIO:.0%} of the trivial view's throughput, "
        f"p99 ≤ {TARGET_P99_MS:.0f} ms"
    )
    for label, _paths in endpoints[1:]:
        figures = results[label]
        ratio = figures["rps"] / base["rps"]
        verdict = (
            f"throughput {ratio:.0%} {'met' if ratio >= TARGET_THROUGHPUT_RATIO else 'MISSED'}, "
            f"p99 {figures['p99']:.1f} ms {'met' if figures['p99'] <= TARGET_P99_MS else 'MISSED'}"
        )
        print(f"{'verdict' if label == target else 'for reference'} — {label}: {verdict}")
    if target is None:
        print("verdict: the API lookup was not measured (see skipped above)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--client", choices=["wrk", "asyncio"], default="wrk")
    parser.add_argument("--client-threads", type=int, default=1, help="wrk's threads (default %(default)s)")
    parser.add_argument("--worker-class", choices=["gthread", "sync"], default=DEFAULT_WORKER_CLASS)
    parser.add_argument(
        "--instances", type=int, default=DEFAULT_INSTANCES, help="gunicorn servers on the port (SO_REUSEPORT)"
    )
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="workers per server")
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--only", help="measure only the endpoints whose label contains this text")
    parser.add_argument("--profile", action="store_true", help="profile in-process instead of serving")
    parser.add_argument(
        "--load-client", nargs=3, metavar=("PORT", "PATHS", "SECONDS"), help=argparse.SUPPRESS
    )
    options = parser.parse_args()

    if options.load_client:
        port, paths_file, seconds = options.load_client
        asyncio.run(_load_client(int(port), paths_file, float(seconds)))
        return

    # A SIGTERM ends the run through the `finally` below, which stops gunicorn.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    prepare()
    endpoints, skipped = endpoint_paths()
    if options.only:
        endpoints = [endpoints[0], *(e for e in endpoints[1:] if options.only in e[0])]
    if options.profile:
        profile(endpoints)
        return
    if options.client == "wrk":
        options.wrk = ensure_wrk()
        if options.wrk is None:
            print("wrk could not be installed: using the asyncio client instead")
            options.client = "asyncio"

    with tempfile.TemporaryDirectory(prefix="bench-lookup-") as folder:
        files = {}
        for number, (label, paths) in enumerate(endpoints):
            files[label] = os.path.join(folder, f"paths-{number}.txt")
            with open(files[label], "w") as out:
                out.write("\n".join(paths) + "\n")
        port = free_port()
        log_path = os.path.join(folder, "gunicorn.log")
        server = start_servers(port, options, log_path)
        try:
            wait_until_served(server, port, log_path)
            check_answers(port, endpoints)
            client = (
                f"wrk {options.client_threads} thread(s)" if options.client == "wrk" else "asyncio client"
            )
            print(
                f"{options.instances} gunicorn server(s) × {options.workers} {options.worker_class} worker(s) × "
                f"{options.threads} threads on "
                f"127.0.0.1:{port}, {os.cpu_count()} CPUs; {client}, {CONNECTIONS} keep-alive connections, "
                f"{options.warmup:g} s warm-up + {options.seconds:g} s per endpoint, {options.rounds} rounds, "
                f"{len(endpoints[1][1])} distinct points; {time.strftime('%Y-%m-%d %H:%M')}"
            )
            rounds: dict[str, list[dict]] = {label: [] for label, _paths in endpoints}
            for number in range(options.rounds):
                for label, _paths in endpoints:
                    if options.warmup:
                        run_load(options, port, files[label], options.warmup)
                    cpu_before = servers_cpu_seconds(server)
                    figures = run_load(options, port, files[label], options.seconds)
                    cpu_after = servers_cpu_seconds(server)
                    figures["server_ms_per_request"] = (
                        (cpu_after - cpu_before) * 1000 / max(1, figures["requests"])
                        if cpu_before is not None and cpu_after is not None
                        else None
                    )
                    figures["client_cpu_percent"] = figures["client_cpu"] / options.seconds * 100
                    rounds[label].append(figures)
                    print(
                        f"round {number + 1} {label:<30} {figures['rps']:>7.0f} req/s  p50 {figures['p50']:.1f}"
                        f"  p99 {figures['p99']:.1f} ms  errors {figures['errors']}",
                        flush=True,
                    )
        finally:
            stop_servers(server)
    results = {}
    for label, runs in rounds.items():
        results[label] = {
            key: statistics.median(run[key] for run in runs)
            for key in ("rps", "p50", "p90", "p99", "max", "client_cpu_percent")
        }
        results[label]["errors"] = sum(run["errors"] for run in runs)
        cpu = [run["server_ms_per_request"] for run in runs if run["server_ms_per_request"] is not None]
        results[label]["server_ms_per_request"] = statistics.median(cpu) if cpu else None
    print_table(endpoints, results, options, skipped)


if __name__ == "__main__":
    main()
