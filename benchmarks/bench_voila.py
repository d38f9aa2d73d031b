"""Compare bare Voila with the kit's server on one notebook in headless Chromium (run by hand).

The baseline is always bare Voila serving a minimal plain-ipywidgets notebook (``--notebook``,
default tests/browser/files/fixture_app.ipynb, ready when ``--ready`` is clickable). The kit
side serves ``--kit-apps-dir`` and loads ``--kit-path`` until ``--kit-ready`` is clickable
(default: the fixture notebook too, so the servers alone are compared).

Example (defaults, ~25 min on 2 cores; benchmarks/README.md has the run for a room of 30):
    .venv/bin/python benchmarks/bench_voila.py
Quick check (~8 min):
    .venv/bin/python benchmarks/bench_voila.py --quick
The kit's real app (a case study), with a preheat pool sized for a room of 10:
    .venv/bin/python benchmarks/bench_voila.py --kit-apps-dir voila_apps --pool-size 10 \
        --kit-path "voila/render/app.ipynb?view=case-study&id=danny-cuckooing-exploitation" \
        --kit-ready "button.msp-start"

Bare Voila is stack.md section 3: ``voila NOTEBOOK`` with the lab template and
``--Voila.tornado_settings=disable_check_xsrf=True`` ("bare"), plus the same without
that workaround ("bare-strict") for the tab-close leak. The kit server is
``msp_learn.server.voila_argv`` serving the notebook's directory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from playwright.async_api import async_playwright

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from msp_learn.server import stop, voila_argv  # noqa: E402
from tests.browser.harness import CHROMIUM_ARGS  # noqa: E402  (one set of browser flags)

#: How long to wait for a preheat pool to be full again before a burst or a series of loads
#: (the kit refills one kernel at a time, when the machine is idle).
SETTLE_S = 300


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def median(values):
    return statistics.median(values) if values else float("nan")


class Server:
    """One Voila process under test; counts and measures its kernel children."""

    def __init__(self, name: str, argv: list[str], port: int, url_path: str, logdir: Path):
        self.name, self.argv, self.port, self.url_path = name, argv, port, url_path
        self.log = logdir / f"{name}.log"
        self.proc: subprocess.Popen | None = None
        self.ready: str | None = None  # selector that means "loaded"; None: the bench default

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{self.url_path}"

    @property
    def signs_in(self) -> bool:
        """The kit's server needs a signed-in learner for every page; bare Voila needs none."""
        return self.name.startswith("kit")

    def start(self, expect_kernels: int, timeout: float = 120) -> float:
        t0 = time.perf_counter()
        with self.log.open("w") as log:
            self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT)
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        self.settle(expect_kernels, timeout)
        return time.perf_counter() - t0

    def kernels(self) -> list[psutil.Process]:
        found = []
        for child in psutil.Process(self.proc.pid).children(recursive=True):
            try:
                if "ipykernel_launcher" in " ".join(child.cmdline()):
                    found.append(child)
            except psutil.Error:
                pass
        return found

    def settle(self, count: int, timeout: float = 60, quiet: float = 1.0) -> int:
        """Wait until the kernel count is ``count`` (or stops changing); return it."""
        deadline = time.monotonic() + timeout
        last, since = -1, time.monotonic()
        while time.monotonic() < deadline:
            now = len(self.kernels())
            if now != last:
                last, since = now, time.monotonic()
            if now == count and time.monotonic() - since >= quiet:
                break
            time.sleep(0.25)
        return last

    def cpu_seconds(self) -> float:
        total = 0.0
        for proc in [psutil.Process(self.proc.pid), *self.kernels()]:
            try:
                times = proc.cpu_times()
                total += times.user + times.system
            except psutil.Error:
                pass
        return total

    def quiet(self, timeout: float = 90, interval: float = 1.0, share: float = 0.05) -> bool:
        """Wait until the server and its kernels use under ``share`` of a core (pool kernels
        have finished pre-running the notebook), so each measurement starts from rest."""
        deadline = time.monotonic() + timeout
        last = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(interval)
            now = self.cpu_seconds()
            if now - last < share * interval:
                return True
            last = now
        return False

    def kernel_ids(self) -> set[str]:
        """Ids of running kernels (from each kernel's connection-file name)."""
        ids = set()
        for proc in self.kernels():
            try:
                for arg in proc.cmdline():
                    if "kernel-" in arg and arg.endswith(".json"):
                        ids.add(arg.rsplit("kernel-", 1)[1][: -len(".json")])
            except psutil.Error:
                pass
        return ids

    def rss_mb(self) -> list[float]:
        sizes = []
        for proc in self.kernels():
            try:
                sizes.append(proc.memory_info().rss / 2**20)
            except psutil.Error:
                pass
        return sizes

    def stop(self) -> None:
        if self.proc:
            stop(self.proc, timeout=30)


_learners = iter(range(1, 1_000_000))


async def sign_in(ctx, server: Server) -> None:
    """Sign ``ctx`` in as a new learner through the kit's sign-in form (not timed)."""
    base = f"http://127.0.0.1:{server.port}/msp/sign-in"
    name, secret = f"Bench learner {next(_learners)}", "bench-secret"
    await ctx.request.get(base)
    xsrf = next(c["value"] for c in await ctx.cookies() if c["name"] == "_xsrf")
    done = await ctx.request.post(base, max_redirects=0, form={
        "_xsrf": xsrf, "step": "new", "name": name, "secret": secret, "secret2": secret})
    if done.status != 303:
        raise RuntimeError(f"sign-in to {server.name} failed: {done.status}")


async def load(browser, server: Server, ready: str, timeout: float, kernel_ids=None):
    """Open the server's page in a fresh context (signed in first, for the kit); return
    (ok, seconds to clickable ``ready``, ctx, page). With ``kernel_ids`` (a list), the id of
    each kernel the page connects to is appended."""
    url = server.url
    ctx = await browser.new_context()
    if server.signs_in:
        await sign_in(ctx, server)
    page = await ctx.new_page()
    if kernel_ids is not None:
        page.on("websocket", lambda ws: kernel_ids.append(
            ws.url.split("/api/kernels/")[1].split("/")[0]) if "/api/kernels/" in ws.url else None)
    t0 = time.perf_counter()
    try:
        await page.goto(url, timeout=timeout * 1000)
        left = max(1.0, timeout - (time.perf_counter() - t0))
        await page.locator(ready).first.click(trial=True, timeout=left * 1000)
        return True, time.perf_counter() - t0, ctx, page
    except Exception:
        return False, time.perf_counter() - t0, ctx, page


async def close(ctx, page) -> None:
    try:
        await page.close(run_before_unload=True)
    except Exception:
        pass
    await asyncio.sleep(0.3)  # let the beforeunload beacon leave
    await ctx.close()


async def sequential(browser, server: Server, ready, n, timeout, settle_to=None, rss=None):
    """``n`` loads one after another (after one warm-up); returns (ok times, failures)."""
    times, failures = [], 0
    for i in range(n + 1):
        if settle_to is not None:
            server.settle(settle_to, timeout=30)
            server.quiet()  # refilled pool kernels finish pre-running the notebook
        ok, secs, ctx, page = await load(browser, server, ready, timeout)
        if rss is not None and ok:
            rss.extend(server.rss_mb())
        await close(ctx, page)
        if i == 0:
            continue
        if ok:
            times.append(secs)
        else:
            failures += 1
    return times, failures


async def burst(browser, server: Server, ready, n, timeout):
    results = await asyncio.gather(*(load(browser, server, ready, timeout) for _ in range(n)))
    await asyncio.gather(*(close(ctx, page) for _, _, ctx, page in results))
    return [secs for ok, secs, *_ in results if ok], sum(not ok for ok, *_ in results)


async def open_close_cycles(browser, server: Server, ready, n, timeout):
    """Open and close ``n`` pages; return how many of *their* kernels are still running
    30 s later. Each page's kernel is known from its websocket URL, so pool refills and
    kernels of earlier runs do not enter the count."""
    used: list[str] = []
    for _ in range(n):
        ok, secs, ctx, page = await load(browser, server, ready, timeout, kernel_ids=used)
        if not ok:
            print(f"   cycle load failed after {secs:.0f} s", flush=True)
        await close(ctx, page)
    deadline = time.monotonic() + 30
    while True:
        alive = server.kernel_ids() & set(used)
        if not alive or time.monotonic() > deadline:
            return len(alive)
        await asyncio.sleep(0.5)


SERVER_NAMES = ("bare", "bare-preheat", "bare-strict", "kit-cold", "kit-preheat")


def build_servers(args, logdir: Path) -> dict[str, Server]:
    nb = Path(args.notebook).resolve()
    apps_dir = Path(args.kit_apps_dir).resolve() if args.kit_apps_dir else nb.parent
    query = f"?{args.query}" if args.query else ""
    voila = [sys.executable, "-m", "voila", str(nb), "--no-browser", "--Voila.ip=127.0.0.1",
             "--Voila.port_retries=0"]
    xsrf_off = ["--Voila.tornado_settings=disable_check_xsrf=True"]
    preheat = ["--preheat_kernel=True", f"--pool_size={args.pool_size}"]
    servers = {}

    def add(name, argv_for_port, path):
        port = free_port()
        servers[name] = Server(name, argv_for_port(port), port, path, logdir)

    add("bare", lambda p: [*voila, f"--port={p}", *xsrf_off], query)
    add("bare-preheat", lambda p: [*voila, f"--port={p}", *xsrf_off, *preheat], query)
    add("bare-strict", lambda p: [*voila, f"--port={p}"], query)
    kit = args.kit_path or f"voila/render/{nb.name}{query}"
    add("kit-cold", lambda p: voila_argv(apps_dir=apps_dir, port=p, pool_size=0), kit)
    add("kit-preheat", lambda p: voila_argv(apps_dir=apps_dir, port=p, pool_size=args.pool_size,
                                            fill_delay=args.fill_delay), kit)
    for name in ("kit-cold", "kit-preheat"):
        servers[name].ready = args.kit_ready or args.ready
    n_notebooks = sum(1 for _ in apps_dir.rglob("*.ipynb"))
    servers["kit-preheat"].pool_kernels = args.pool_size * n_notebooks
    servers["bare-preheat"].pool_kernels = args.pool_size
    for name in ("bare", "bare-strict", "kit-cold"):
        servers[name].pool_kernels = 0
    return servers


async def run(args) -> dict:
    logdir = Path(tempfile.mkdtemp(prefix="bench_voila_"))
    os.environ["MSP_LEARN_DATA"] = str(logdir)  # the kit's progress store, thrown away after
    servers = build_servers(args, logdir)
    results: dict = {"logs": str(logdir), "args": vars(args)}
    timeout = args.timeout
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        for name, server in servers.items():
            if name not in args.servers:
                continue
            base = server.pool_kernels
            ready = server.ready or args.ready
            print(f"== {name}: {' '.join(server.argv[:4])} ...", flush=True)
            res = results[name] = {"startup_s": server.start(base)}
            try:
                if name != "bare-strict":
                    rss: list[float] = []
                    settle = base if name.endswith("preheat") else None
                    t, f = await sequential(
                        browser, server, ready, args.runs, timeout, settle, rss
                    )
                    res["t_widget"] = {"median": median(t), "min": min(t, default=None),
                                       "max": max(t, default=None), "ok": len(t), "failed": f}
                    res["rss_mb_per_kernel"] = median(rss)
                    print(f"   t_widget median {median(t):.2f} s ({len(t)} ok, {f} failed); "
                          f"kernel RSS {median(rss):.0f} MB", flush=True)
                if name in ("bare", "bare-preheat", "kit-preheat"):
                    for size in args.bursts:
                        server.settle(base, timeout=SETTLE_S)
                        server.quiet()
                        t0 = time.perf_counter()
                        t, f = await burst(browser, server, ready, size, timeout)
                        wall = time.perf_counter() - t0
                        res[f"burst{size}"] = {"ok": len(t), "failed": f, "median": median(t),
                                               "wall": wall}
                        print(f"   burst {size}: {len(t)}/{size} ok, median {median(t):.1f} s, "
                              f"wall {wall:.0f} s", flush=True)
                if name.endswith("preheat"):
                    server.settle(base, timeout=SETTLE_S)
                    server.quiet()
                    t, f = await sequential(browser, server, ready, args.sequential, timeout)
                    res["sequential"] = {"n": args.sequential, "ok": len(t), "failed": f,
                                         "median": median(t), "max": max(t, default=None)}
                    print(f"   {args.sequential} sequential: {len(t)} ok, {f} failed/hung, "
                          f"median {median(t):.2f} s", flush=True)
                if name in ("bare", "bare-strict", "kit-preheat"):
                    server.settle(base, timeout=SETTLE_S)
                    left = await open_close_cycles(browser, server, ready, args.cycles,
                                                   timeout)
                    res["kernels_left_after_cycles"] = left
                    print(f"   {args.cycles} open/close cycles: {left} kernel(s) left", flush=True)
            finally:
                server.stop()
        await browser.close()
    return results


def ratio(kit, bare) -> str:
    try:
        return f"{kit / bare:.2f}"
    except (TypeError, ZeroDivisionError):
        return "n/a"


def report(res: dict, args) -> None:
    def field(name, key):
        return res.get(name, {}).get(key)

    def t(name, key="t_widget"):
        return (field(name, key) or {}).get("median")

    rows = [
        ("t_widget cold (s)", t("bare"), t("kit-cold")),
        ("t_widget preheated (s)", t("bare-preheat"), t("kit-preheat")),
    ]
    for size in args.bursts:
        for bare_name in ("bare", "bare-preheat"):
            b = field(bare_name, f"burst{size}") or {}
            k = field("kit-preheat", f"burst{size}") or {}
            rows.append((f"burst {size} vs {bare_name}: median (s)", b.get("median"),
                         k.get("median")))
            rows.append((f"burst {size} vs {bare_name}: loads ok", b.get("ok"), k.get("ok")))
    b = field("bare-preheat", "sequential") or {}
    k = field("kit-preheat", "sequential") or {}
    rows.append((f"{args.sequential} sequential: median (s)", b.get("median"), k.get("median")))
    rows.append((f"{args.sequential} sequential: failed/hung", b.get("failed"), k.get("failed")))
    left = "kernels_left_after_cycles"
    rows.append((f"{args.cycles} open/close: kernels left (bare-strict)",
                 field("bare-strict", left), field("kit-preheat", left)))
    rows.append((f"{args.cycles} open/close: kernels left (bare, xsrf off)",
                 field("bare", left), field("kit-preheat", left)))
    rows.append(("RSS per kernel, cold (MB)", field("bare", "rss_mb_per_kernel"),
                 field("kit-cold", "rss_mb_per_kernel")))
    rows.append(("RSS per kernel, preheated (MB)", field("bare-preheat", "rss_mb_per_kernel"),
                 field("kit-preheat", "rss_mb_per_kernel")))

    def fmt(value) -> str:
        if value is None:
            return "n/a"
        return f"{value:.2f}" if isinstance(value, float) else str(value)

    print(f"\n{'metric':<46} {'bare':>9} {'kit':>9} {'kit/bare':>9}")
    for label, bare, kit in rows:
        print(f"{label:<46} {fmt(bare):>9} {fmt(kit):>9} {ratio(kit, bare):>9}")
    print(f"\nserver logs: {res['logs']}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", default=str(REPO / "tests/browser/files/fixture_app.ipynb"))
    parser.add_argument("--kit-apps-dir", help="directory the kit serves (default: the notebook's)")
    parser.add_argument("--kit-path", help="URL path and query the kit loads (default: the notebook)")
    parser.add_argument("--kit-ready", help="selector meaning the kit page is ready (default: --ready)")
    parser.add_argument("--fill-delay", type=float, default=15.0,
                        help="seconds before the kit refills its pool after a kernel is used")
    parser.add_argument("--query", default="id=bench", help="query string for both servers")
    parser.add_argument("--ready", default=".fx-button", help="selector of the widget to wait for")
    parser.add_argument("--pool-size", type=int, default=2)
    parser.add_argument("--runs", type=int, default=5, help="sequential timed loads per mode")
    parser.add_argument("--bursts", type=lambda s: [int(x) for x in s.split(",")], default=[10, 30])
    parser.add_argument("--sequential", type=int, default=100)
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=120.0, help="per load, seconds")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument(
        "--quick", action="store_true", help="runs=3 bursts=10 sequential=20 cycles=5"
    )
    parser.add_argument("--json", help="also write the raw results here")
    parser.add_argument("--servers", type=lambda s: s.split(","), default=list(SERVER_NAMES),
                        help="comma-separated subset of " + ",".join(SERVER_NAMES))
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.bursts, args.sequential, args.cycles = 3, [10], 20, 5
    results = asyncio.run(run(args))
    report(results, args)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
