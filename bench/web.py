"""Workspace benchmark: simulated users browsing every page over loopback.

    python bench/web.py --store .journeyscope/store.duckdb        # an existing store
    python bench/web.py --customers 10000                          # a synthetic store made here
    python bench/web.py --customers 10000 --users 10 --rounds 5

The server is ``journeyscope serve``'s app under uvicorn in a child process (so its peak RSS is
its own). One user per role signs in; ``--users`` threads (httpx clients, each its own session)
then browse Home, the five Explore analyses (a funnel over the most frequent activities),
Customers, Data and the API, ``--rounds`` times. Reported per page: the first response (the
analysis computed; others asking at the same time wait for the same job), p50/p95 of the rest,
and p50/p95 of the requests that began after the first response had come back (served from the
result cache: ``cached_*``); the same analyses run in-process once, for the ratio (with this
process's peak RSS after them, for the memory an analysis needs by itself); the server's peak
RSS (VmHWM of the child, read from /proc) and its RSS over time, sampled every quarter second:
the RSS when each page's first response came back, the peak, and the RSS after the users are
done and the server has been idle for ``--settle`` seconds (does memory come back?); and the
peak of the RSS of the server with every process it started (the background figures' child
processes), sampled, and that tree's PSS read at each new high of it (a child's pages shared
with the fork server counted once). ``--skip-home`` leaves Home out of the browsing, sign-in included (it lands
on Customers): Home starts background jobs of its own (each design's silent-customer estimate
and fitness replay); run with and without it to separate their share. Every figure is printed
with the machine's load average.

Both sides run compiled code, as an installed package has it: the server with Python's
bytecode cache on (``_child.bytecode_env``; the package and its libraries compiled into it
before the server starts, as pip does at install), and this process imports every analytics
and service module before it times the in-process references. Without that, on a machine
that keeps no bytecode cache, the first analysis in the server also compiled the modules it
imports.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from _child import bytecode_env

PASSWORD = "bench password 1"
# a Home card that asks for its slow figures when it comes into view (as htmx does)
CARD = re.compile(r'hx-get="([^"]+)" hx-trigger="revealed"')
#: The pages' analyses run in-process for the ratio: name -> (kind, parameters; "top": the
#: three most frequent activities, "top1": the first of them).
REFERENCES: dict[str, tuple[str, dict[str, str]]] = {
    "funnel": ("funnel", {"step": "top"}),
    "process map": ("dfg", {}),
    "paths": ("paths", {"start": "top1"}),
    "channels": ("channels", {}),
    "variants": ("variants", {}),
}


#: where the server's bytecode is kept between runs (compiled once, then reused)
PYCACHE = Path(tempfile.gettempdir()) / "journeyscope-bench-pycache"


def _compile(env: dict[str, str]) -> None:
    """Compile the package and the libraries into the server's bytecode cache (as pip does
    at install; files already compiled are skipped)."""
    import sysconfig

    import journeyscope

    folders = [str(Path(journeyscope.__file__).parent), sysconfig.get_paths()["purelib"]]
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-j", "0", *folders],
        env=env,
        check=False,  # a library file that does not compile (test data) is not ours to fix
        stdout=subprocess.DEVNULL,
    )


def _import_all(*packages: str) -> None:
    """Import every module of these packages (so that no timed analysis compiles one)."""
    import importlib
    import pkgutil

    for name in packages:
        package = importlib.import_module(name)
        for info in pkgutil.walk_packages(package.__path__, f"{name}."):
            importlib.import_module(info.name)


def _cached_figures(took: list[float]) -> dict[str, float]:
    """p50/p95 (ms) of the requests served from the cache, and how many there were."""
    if len(took) < 2:
        return {"cached_n": len(took)}
    return {
        "cached_n": len(took),
        "cached_p50_ms": round(1000 * statistics.median(took), 1),
        "cached_p95_ms": round(1000 * statistics.quantiles(took, n=20)[-1], 1),
    }


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "journeyscope", *args],
        capture_output=True,
        text=True,
        env=env,
        input=PASSWORD + "\n",
        check=True,
    )
    return done.stdout


def _sign_in(client: httpx.Client, name: str, landing: str = "/") -> None:
    """Sign in and land on ``landing`` (Home by default; Home starts its background jobs)."""
    form = client.get("/signin")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, form.text
    done = client.post(
        "/signin",
        data={"username": name, "password": PASSWORD, "csrf_token": token[1], "next": landing},
    )
    assert done.status_code == 200 and "Sign out" in done.text, done.text[:500]


def _status_bytes(pid: int, field: str) -> int:
    """A memory figure (``VmHWM``: peak RSS, ``VmRSS``: RSS now) of process ``pid``, bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    return 0


def _mb(n: float) -> float:
    return round(n / 2**20, 1)


def _pss_bytes(pid: int) -> int:
    """The proportional set size of process ``pid`` (its RSS with each shared page divided
    between the processes sharing it), bytes; 0 where the system does not say."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    return 0


def _descendants(pid: int) -> list[int]:
    """The processes started by ``pid``, their children, and so on (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = (entry / "stat").read_text()
                parent = int(stat[stat.rindex(")") + 2 :].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class RssSampler(threading.Thread):
    """Samples the RSS of process ``pid`` every ``every`` seconds until :meth:`stop`, and the
    RSS of its whole tree (the server and every process it started: the background figures'
    child processes) beside it. A sum of RSS counts twice the pages a child shares with the
    fork server it came from, so each time that sum reaches a new high the tree's PSS is read
    too (only then: reading it costs more than the RSS), and the highest of those kept."""

    def __init__(self, pid: int, every: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.started = time.perf_counter()
        self.samples: list[tuple[float, int]] = []
        self.tree_peak = 0
        self.tree_pss_peak = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                rss = _status_bytes(self.pid, "VmRSS")
            except OSError:
                return
            tree, family = rss, [self.pid, *_descendants(self.pid)]
            for child in family[1:]:
                with contextlib.suppress(OSError):
                    tree += _status_bytes(child, "VmRSS")
            if tree > self.tree_peak:
                self.tree_peak = tree
                pss = sum(_pss_bytes(p) for p in family)
                self.tree_pss_peak = max(self.tree_pss_peak, pss)
            self.samples.append((time.perf_counter() - self.started, rss))
            self._halt.wait(self.every)

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def now(self) -> int:
        return self.samples[-1][1] if self.samples else 0

    def timeline(self, step: float = 5.0) -> list[list[float]]:
        """[seconds, MB, load average] every ``step`` seconds (the highest sample in each)."""
        out: dict[int, float] = {}
        for t, rss in self.samples:
            k = int(t // step)
            out[k] = max(out.get(k, 0.0), _mb(rss))
        return [[k * step, mb] for k, mb in sorted(out.items())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-home", action="store_true", help="leave Home out of the pages")
    parser.add_argument(
        "--references",
        default=",".join(REFERENCES),
        help="the analyses to run in-process for the ratio, comma-separated "
        f"(default: {','.join(REFERENCES)})",
    )
    parser.add_argument(
        "--settle", type=float, default=10.0, help="idle seconds before the final RSS"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-web-"))
    store = args.store
    env = {**os.environ, "JOURNEYSCOPE_DATABASE_URL": f"sqlite:///{work / 'engine.sqlite'}"}
    if store is None:
        store = work / "store.duckdb"
        _cli(
            "synthetic",
            "--customers",
            str(args.customers),
            "--out",
            str(work / "s.parquet"),
            env=env,
        )
        _cli("ingest", str(work / "s.parquet"), "--store", str(store), env=env)
    env["JOURNEYSCOPE_STORE"] = str(store.resolve())

    from journeyscope.config import Settings
    from journeyscope.services import overview
    from journeyscope.services.accounts import Accounts, workspace_database

    settings = Settings(store=store)
    accounts = Accounts(workspace_database(settings))
    known = {u.name for u in accounts.users()}
    for k in range(args.users):
        if f"user{k}" not in known:
            accounts.add(f"user{k}", "analyst", PASSWORD)
    top = [a.name for a in overview.catalogue(settings).activities[:3]]
    pages = {
        **({} if args.skip_home else {"home": "/"}),
        "funnel": f"/explore/funnel?{httpx.QueryParams([('step', a) for a in top])}",
        "paths": f"/explore/paths?{httpx.QueryParams({'start': top[0]})}",
        "process map": "/explore/dfg",
        "variants": "/explore/variants",
        "channels": "/explore/channels",
        "customers": "/customers",
        "data": "/data",
        "api funnel": f"/api/funnel?{httpx.QueryParams([('step', a) for a in top])}",
    }
    # the same analyses in-process, for the ratio (their modules imported first, untimed)
    from journeyscope.services import analyses, queries

    _import_all("journeyscope.analytics", "journeyscope.services")

    inproc: dict[str, dict[str, float]] = {}
    asked = [r.strip() for r in args.references.split(",") if r.strip()]
    unknown = [r for r in asked if r not in REFERENCES]
    if unknown:
        parser.error(f"--references: unknown {unknown} (choose from {', '.join(REFERENCES)})")
    for name in asked:
        kind, shape = REFERENCES[name]
        params = {k: top[:1] if v == "top1" else top for k, v in shape.items()}
        started = time.perf_counter()
        analyses.run(settings, queries.build_query(kind, params))
        inproc[name] = {
            "s": round(time.perf_counter() - started, 3),
            "load": round(os.getloadavg()[0], 1),
        }
    inproc_peak = _status_bytes(os.getpid(), "VmHWM")

    port = _port()
    ours = {k: v for k, v in env.items() if k.startswith("JOURNEYSCOPE_")}
    server_env = bytecode_env(PYCACHE, **{**ours, "JOURNEYSCOPE_EMBEDDED_WORKER": "0"})
    _compile(server_env)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "journeyscope.web.app:app_from_env",
            "--factory",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=server_env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        sampler = RssSampler(server.pid)
        sampler.start()
        times: dict[str, list[float]] = {p: [] for p in pages}
        # the requests that began after the page's first response had come back: served
        # from the result cache, none waiting for a first computation
        cached: dict[str, list[float]] = {p: [] for p in pages}
        first_back: dict[str, float] = {}
        first: dict[str, float] = {}
        at_first: dict[str, dict[str, float]] = {}
        lock = threading.Lock()

        # Sign-ins one after another, before the browsing: at the same moment, the first
        # requests of a fresh workspace failed creating its tables (reported, not the
        # subject here), and sign-in is not what is measured.
        clients = [
            httpx.Client(base_url=base, follow_redirects=True, timeout=600)
            for _ in range(args.users)
        ]
        for k, client in enumerate(clients):
            _sign_in(client, f"user{k}", "/customers" if args.skip_home else "/")

        def get(client: httpx.Client, path: str) -> httpx.Response:
            """GET, again once when the server closed an idle kept-alive connection as it
            was reused (a user thread can sleep past the keep-alive time on a loaded
            machine)."""
            try:
                return client.get(path)
            except httpx.TransportError:
                return client.get(path)

        def user(k: int) -> None:
            with contextlib.closing(clients[k]) as client:
                for _ in range(args.rounds):
                    for name, path in pages.items():
                        started = time.perf_counter()
                        answer = get(client, path)
                        # a page whose job is still running asks for its result part, which
                        # answers when the job is done (a long poll), as a browser does
                        while 'class="card pending"' in answer.text:
                            kind = path.split("/")[2].split("?")[0]
                            query = path.split("?", 1)[1] if "?" in path else ""
                            answer = get(client, f"/explore/{kind}/result?{query}")
                        assert answer.status_code == 200, (path, answer.status_code)
                        if name == "home":  # a browser asks for each card on screen once
                            for card in CARD.findall(answer.text):
                                get(client, card)
                        took = time.perf_counter() - started
                        with lock:
                            if name not in first:
                                first[name] = took
                                first_back[name] = time.perf_counter()
                                at_first[name] = {
                                    "at_s": round(time.perf_counter() - sampler.started, 1),
                                    "rss_mb": _mb(sampler.now()),
                                    "load": round(os.getloadavg()[0], 1),
                                }
                            else:
                                times[name].append(took)
                                if started >= first_back[name]:
                                    cached[name].append(took)

        threads = [threading.Thread(target=user, args=(k,)) for k in range(args.users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        done_rss, done_load = sampler.now(), os.getloadavg()[0]
        time.sleep(args.settle)
        rss = _status_bytes(server.pid, "VmHWM")
        settled = _status_bytes(server.pid, "VmRSS")
        sampler.stop()
    finally:
        server.terminate()
        server.wait()
    out: dict[str, Any] = {"store": str(store), "users": args.users, "rounds": args.rounds}
    out["pages"] = {
        p: {
            "first_s": round(first[p], 3),
            "p50_ms": round(1000 * statistics.median(times[p]), 1),
            "p95_ms": round(1000 * statistics.quantiles(times[p], n=20)[-1], 1),
            **_cached_figures(cached[p]),
        }
        for p in pages
        if times[p]
    }
    out["first_response"] = at_first
    out["in_process"] = inproc
    out["first_over_in_process"] = {
        k: round(first[k] / v["s"], 2) for k, v in inproc.items() if k in first and v["s"]
    }
    out["in_process_peak_rss_mb"] = _mb(inproc_peak)
    out["server_peak_rss_mb"] = _mb(rss)
    # sampled, so it may miss a peak between samples; the children's shared pages count twice
    out["server_and_children_peak_rss_mb"] = _mb(sampler.tree_peak)
    # the same tree's PSS (shared pages counted once), read at each new high of the RSS sum
    out["server_and_children_peak_pss_mb"] = _mb(sampler.tree_pss_peak)
    out["server_rss_when_done_mb"] = {"rss": _mb(done_rss), "load": round(done_load, 1)}
    out["server_rss_settled_mb"] = _mb(settled)
    out["server_rss_timeline"] = sampler.timeline()
    out["load_average"] = [round(x, 1) for x in os.getloadavg()]
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
