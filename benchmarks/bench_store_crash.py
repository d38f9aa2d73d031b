"""The store's crash benchmark, run by hand: a crowd of writer processes answering a quiz,
killed with SIGKILL at random moments and restarted from their last acknowledged answer, a
reader running throughout, on SQLite and on a throwaway PostgreSQL cluster.

For each database it runs, each on a new database:

- ``crash``: the writers with random SIGKILLs (and some launches that kill themselves
  mid-transaction or after a commit they never acknowledged);
- ``no-kills``: the same writers, nobody killed (the baseline for the kills' cost);
- ``plain``: the same writers doing plain inserts (``Store.record``: no key, no state, no
  version check), nobody killed (the baseline for the commit logic's cost);
- ``no-kills, no queue`` (SQLite): as ``no-kills`` without the store's writer queue, SQLite's
  busy handler alone (the baseline for the queue's effect).

It prints answers written, lost (must be 0), duplicated (must be 0), half-written (must be 0)
and the write latency p50/p95, with ratios against the baselines of the same run, and exits 1
if anything was lost, duplicated, half-written or torn. See benchmarks/README.md.

    .venv/bin/python benchmarks/bench_store_crash.py            # 30 writers x 50 answers
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests import pg, store_crash  # noqa: E402  (the harness the tests use)


def _runs(args: argparse.Namespace, database: str) -> list[tuple[str, dict]]:
    crash = dict(kills=args.kills, self_kills=args.self_kills, kill_gap=args.kill_gap)
    runs = [("crash", crash), ("no-kills", {}), ("plain", {"plain": True})]
    if database == "sqlite":
        runs.append(("no-kills, no queue", {"queue": False}))
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=30)
    parser.add_argument("--answers", type=int, default=50, help="answers per writer")
    parser.add_argument("--kills", type=int, default=60, help="random SIGKILLs per run")
    parser.add_argument("--self-kills", type=int, default=10,
                        help="launches killed mid-transaction, and as many after the commit")
    parser.add_argument("--kill-gap", type=float, default=0.15,
                        help="mean seconds between random kills")
    parser.add_argument("--pause", type=float, default=0.05,
                        help="each writer's mean pause before an answer (seconds)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--seed", type=int, default=30)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    results: dict[str, dict[str, dict]] = {}
    failed = False
    with tempfile.TemporaryDirectory(prefix="msp-crash-") as tmp:
        for database in args.databases.split(","):
            cluster = databases = None
            if database == "postgresql":
                cluster = pg.Cluster(max_connections=max(pg.MAX_CONNECTIONS,
                                                         2 * args.writers + 10)).start()
                databases = pg.Databases(cluster.url())
            try:
                for name, options in _runs(args, database):
                    folder = Path(tmp, database, name.replace(", ", "-"))
                    url = databases.create() if databases else \
                        f"sqlite:///{folder}.sqlite"
                    folder.parent.mkdir(parents=True, exist_ok=True)
                    began = time.monotonic()
                    report = store_crash.run(url, folder, writers=args.writers,
                                             answers=args.answers, seed=args.seed,
                                             pause=args.pause, timeout=1800, **options)
                    load = os.getloadavg()[0]
                    print(f"[{name}, {time.monotonic() - began:.0f} s, load {load:.1f}] "
                          f"{report.summary()}", flush=True)
                    for problem in (report.problems + report.writer_errors
                                    + report.reader_errors + report.reader_violations)[:10]:
                        print(f"    {problem}", flush=True)
                    failed |= not report.ok
                    results.setdefault(database, {})[name] = {**_figures(report), "load": load}
            finally:
                if databases:
                    databases.close()
                if cluster:
                    cluster.stop()
    _table(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 1 if failed else 0


def _figures(report: store_crash.Report) -> dict:
    return {"acknowledged": report.acknowledged, "rows": report.rows, "lost": report.lost,
            "duplicated": report.duplicated, "half_written": report.half_written,
            "kills": dict(report.kills), "restarts": report.restarts,
            "resent_duplicates": report.resent_duplicates,
            "reader_reads": report.reader_reads, "reader_errors": len(report.reader_errors),
            "torn_reads": len(report.reader_violations), "integrity": report.integrity,
            "p50_ms": round(1000 * report.percentile(50), 1),
            "p95_ms": round(1000 * report.percentile(95), 1),
            "seconds": round(report.seconds, 1), "ok": report.ok}


def _ratio(figures: dict, baseline: dict | None) -> str:
    """p50 and p95 as multiples of a baseline's."""
    if not baseline or not baseline["p50_ms"] or not baseline["p95_ms"]:
        return ""
    return (f"{figures['p50_ms'] / baseline['p50_ms']:.2f}, "
            f"{figures['p95_ms'] / baseline['p95_ms']:.2f}")


def _table(results: dict[str, dict[str, dict]]) -> None:
    print(f"\n{os.cpu_count()} cores; load is the 1-minute load average at the end of a run.")
    print("\n| database | run | written | lost | duplicated | half-written | kills | "
          "resends found written | reader reads / errors | integrity | p50 ms | p95 ms | "
          "p50, p95 vs no-kills | p50, p95 vs plain | load |")
    print("|---" * 15 + "|")
    for database, runs in results.items():
        base, plain = runs.get("no-kills"), runs.get("plain")
        for name, f in runs.items():
            kills = sum(f["kills"].values())
            print(f"| {database} | {name} | {f['acknowledged']} | {f['lost']} | "
                  f"{f['duplicated']} | {f['half_written']} | {kills} | "
                  f"{f['resent_duplicates']} | {f['reader_reads']} / {f['reader_errors']} | "
                  f"{f['integrity']} | {f['p50_ms']} | {f['p95_ms']} | {_ratio(f, base)} | "
                  f"{_ratio(f, plain)} | {f['load']:.1f} |")


if __name__ == "__main__":
    raise SystemExit(main())
