"""The leads' report at council scale against a bare ``pandas.read_sql`` of the same grades,
measured in the same run (run by hand).

    PYTHONPATH=. .venv/bin/python benchmarks/bench_reports.py [--learners 2000] [--repeats 3]
        [--data DIR] [--quick] [--extra DIR] [--json out.json]

The data is ``synth_gradebook.py``'s (2,000 learners x 10 assignments x 40 graded cells =
800,000 grades, and a practice store of as many events), made in a temporary folder, or
reused from ``--data`` (made there if missing). Every measurement runs in a fresh Python
process, so each pays its own first reads and its peak memory (``ru_maxrss``) is its own;
the rounds alternate the measurements so drift on a shared machine hits them all.

- ``bare``: ``pandas.read_sql`` of the per-item grades (nbgrader's score rule: manual over
  auto, plus extra credit) over ``sqlite3``: the baseline.
- ``bare store``: ``pandas.read_sql`` of the store's events (what the report reads besides).
- ``pandas chunks``: the same ``read_sql`` 100,000 rows at a time, names as categories (what
  pandas alone can do for memory).
- ``duckdb``: the same grades through DuckDB's SQLite scanner (``ATTACH ... (TYPE sqlite)``),
  to a pandas frame. ``polars``: ``polars.read_database`` over ``sqlite3``;
  ``polars+connectorx``: ``polars.read_database_uri(engine="connectorx")``. These need
  ``duckdb``, ``duckdb-extension-sqlite-scanner``, ``polars``, ``connectorx`` and ``pyarrow``,
  which are not the kit's dependencies: install them apart, e.g. ``pip install --target
  /tmp/bench-extra duckdb==1.5.5 duckdb-extension-sqlite-scanner==1.5.5 polars connectorx
  pyarrow``, and pass ``--extra /tmp/bench-extra`` (skipped when missing).
- ``full``: ``reports.load`` + ``reports.sections`` + ``reports.write`` (HTML, Excel, CSV,
  plots) into a fresh folder: the report a lead gets from ``msp-learn report``.

Times are of the work, after the imports (shown apart); medians over ``--repeats`` runs.
"CPU s" is the whole process's CPU time (user + system, imports included, and any process
it forks: the report reads the store in one while it reads the gradebook), and "peak MB" is
the process's peak plus its children's: both count the second core's share too.
Targets (issue 13): full within 2.5x of bare; peak memory under 1 GiB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

# The baseline reads the very grades the report reads: the report's own query.
from msp_learn.reports._gradebook import GRADES_SQL  # noqa: E402

EVENTS_SQL = """
SELECT l.name AS learner, e.activity_kind, e.activity_id, e.event, e.payload, e.recorded_at
FROM events e JOIN learners l ON l.id = e.learner_id
"""

MEASURES = ("bare", "bare store", "pandas chunks", "duckdb", "polars", "polars+connectorx",
            "full")
MIB = 1024 * 1024


# ---- in the child process -------------------------------------------------------------------

def _sqlite_ro(path: Path):
    import sqlite3

    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _duckdb_scanner() -> str:
    import duckdb
    import duckdb_extension_sqlite_scanner as ext

    found = sorted(Path(ext.__file__).parent.glob(
        f"extensions/v{duckdb.__version__}/sqlite_scanner.duckdb_extension"))
    if not found:
        raise RuntimeError(f"no sqlite_scanner for DuckDB {duckdb.__version__}")
    return str(found[0])


def child(measure: str, data: Path, out: Path) -> dict:
    gradebook = data / "course" / "gradebook.db"
    store = data / "store.sqlite"
    t0 = time.perf_counter()
    result: dict = {}
    if measure in ("bare", "bare store"):
        import pandas as pd
        t1 = time.perf_counter()
        con = _sqlite_ro(gradebook if measure == "bare" else store)
        frame = pd.read_sql(GRADES_SQL if measure == "bare" else EVENTS_SQL, con)
        con.close()
        result["rows"] = len(frame)
        if measure == "bare":
            result["check"] = round(float(frame["score"].sum()), 1)
    elif measure == "pandas chunks":
        import pandas as pd
        t1 = time.perf_counter()
        con = _sqlite_ro(gradebook)
        parts = []
        for part in pd.read_sql(GRADES_SQL, con, chunksize=100_000):
            for col in ("learner", "assignment", "item"):
                part[col] = part[col].astype("category")
            parts.append(part)
        con.close()
        frame = pd.concat(parts, ignore_index=True)
        for col in ("learner", "assignment", "item"):  # categories unioned by concat
            frame[col] = frame[col].astype("category")
        result["rows"] = len(frame)
        result["check"] = round(float(frame["score"].sum()), 1)
    elif measure == "duckdb":
        import duckdb
        t1 = time.perf_counter()
        con = duckdb.connect(config={"autoinstall_known_extensions": False,
                                     "autoload_known_extensions": False})
        con.execute(f"LOAD '{_duckdb_scanner()}'")
        con.execute(f"ATTACH '{gradebook}' AS gb (TYPE sqlite, READ_ONLY)")
        con.execute("USE gb")
        frame = con.execute(GRADES_SQL).df()
        con.close()
        result["rows"] = len(frame)
        result["check"] = round(float(frame["score"].sum()), 1)
    elif measure == "polars":
        import polars as pl
        t1 = time.perf_counter()
        con = _sqlite_ro(gradebook)
        frame = pl.read_database(GRADES_SQL, con)
        con.close()
        result["rows"] = frame.height
        result["check"] = round(float(frame["score"].sum()), 1)
    elif measure == "polars+connectorx":
        import connectorx  # noqa: F401 - the engine polars calls
        import polars as pl
        t1 = time.perf_counter()
        frame = pl.read_database_uri(GRADES_SQL, f"sqlite://{gradebook}", engine="connectorx")
        result["rows"] = frame.height
        result["check"] = round(float(frame["score"].sum()), 1)
    elif measure == "full":
        from msp_learn import reports
        t1 = time.perf_counter()
        report = reports.load(course=data / "course", store_url=f"sqlite:///{store}",
                              learners_file=data / "learners.csv")
        t2, m2 = time.perf_counter(), _peak_mb()
        sections = reports.sections(report)
        t3, m3 = time.perf_counter(), _peak_mb()
        files = reports.write(sections, out)
        t4 = time.perf_counter()
        result.update(rows=len(report.grades), answers=len(report.answers),
                      sections=len(sections), files=len(files),
                      bytes=sum(f.stat().st_size for f in out.rglob("*") if f.is_file()),
                      problems=len(report.problems),
                      check=round(float(report.grades["score"].sum()), 1),
                      parts={"load": round(t2 - t1, 2), "sections": round(t3 - t2, 2),
                             "write": round(t4 - t3, 2)},
                      peaks={"after load": m2, "after sections": m3})
    else:
        raise SystemExit(f"unknown measure {measure!r}")
    end = time.perf_counter()
    result.update(seconds=round(end - t1, 3), import_s=round(t1 - t0, 3),
                  peak_mb=_peak_mb())
    return result


def _peak_mb() -> float:
    """This process's peak plus its children's (the report reads the store in a forked
    child): an upper bound on what was held at once."""
    return round(sum(resource.getrusage(who).ru_maxrss
                     for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024, 1)


# ---- in the parent --------------------------------------------------------------------------

def run_child(measure: str, data: Path, extra: list[str], timeout: float) -> dict:
    out = Path(tempfile.mkdtemp(prefix="bench-report-out-"))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*extra, env.get("PYTHONPATH", ""), str(REPO)])
    start = time.perf_counter()
    cpu = _cpu_children()
    try:
        done = subprocess.run([sys.executable, __file__, "--child", measure, "--data", str(data),
                               "--out", str(out)], env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    finally:
        subprocess.run(["rm", "-rf", str(out)], check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        return {"error": last[:200]}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_s"] = round(time.perf_counter() - start, 2)
    result["cpu_s"] = round(_cpu_children() - cpu, 2)
    return result


def _cpu_children() -> float:
    """CPU seconds (user + system) of the children waited for so far, theirs included."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def available(measure: str, extra: list[str]) -> str | None:
    """None if the measure can run here, else why not."""
    need = {"duckdb": ("duckdb", "duckdb_extension_sqlite_scanner"), "polars": ("polars",),
            "polars+connectorx": ("polars", "connectorx", "pyarrow"),
            "full": ("msp_learn.reports",)}.get(measure, ())
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*extra, env.get("PYTHONPATH", ""), str(REPO)])
    code = "import importlib, sys\n" + "".join(f"importlib.import_module({m!r})\n" for m in need)
    if measure == "full":
        code += ("from msp_learn import reports\n"
                 "missing = [n for n in ('load', 'sections', 'write') if not hasattr(reports, n)]\n"
                 "sys.exit('reports lacks ' + ', '.join(missing) if missing else 0)\n")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          cwd=tempfile.gettempdir())
    if done.returncode:
        return (done.stderr.strip().splitlines() or ["not importable"])[-1][:120]
    return None


def load_avg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def fmt(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}" if values else "-"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="200 learners, 2 repeats")
    parser.add_argument("--data", help="a synthetic data folder (made there if missing, kept)")
    parser.add_argument("--extra", action="append", default=[],
                        help="a folder of the optional packages (pip install --target)")
    parser.add_argument("--measures", default=",".join(MEASURES))
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per run")
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, Path(args.data), Path(args.out))))
        return 0
    if args.quick:
        args.learners, args.repeats = 200, 2
    sys.path.insert(0, str(HERE))
    import synth_gradebook

    data = Path(args.data) if args.data else Path(tempfile.mkdtemp(prefix="bench-reports-")) / "d"
    if not (data / "course" / "gradebook.db").exists():
        print(f"making {args.learners} learners' data in {data} ...", flush=True)
        made = synth_gradebook.make(data, learners=args.learners)
        print(f"  {made.grades} grades, {made.events} events in {made.seconds:.0f} s",
              flush=True)
    measures = [m.strip() for m in args.measures.split(",") if m.strip()]
    skipped = {}
    for m in measures:
        why = available(m, args.extra)
        if why:
            skipped[m] = why
            print(f"skipping {m}: {why}", flush=True)
    todo = [m for m in measures if m not in skipped]
    runs: dict[str, list[dict]] = {m: [] for m in todo}
    loads = [load_avg()]
    for r in range(args.repeats):
        order = todo[r % len(todo):] + todo[:r % len(todo)] if todo else []
        for m in order:
            result = run_child(m, data, args.extra, args.timeout)
            runs[m].append(result)
            print(f"round {r + 1} {m}: {result}  [load {load_avg()}]", flush=True)
        loads.append(load_avg())
    ok = {m: [x for x in rs if "error" not in x] for m, rs in runs.items()}
    bare = statistics.median(x["seconds"] for x in ok["bare"]) if ok.get("bare") else None
    print(f"\nload average (1, 5, 15 min) over the rounds: {' | '.join(loads)}")
    print("\n| measure | median s (work) | imports s | process s | CPU s | rows | peak MB | "
          "vs bare |")
    print("|---|---|---|---|---|---|---|---|")
    summary = {}
    for m in todo:
        xs = ok[m]
        if not xs:
            print(f"| {m} | failed: {runs[m][0].get('error')} | | | | | | |")
            continue
        sec = statistics.median(x["seconds"] for x in xs)
        peak = max(x["peak_mb"] for x in xs)
        ratio = sec / bare if bare else None
        summary[m] = {"seconds": sec, "peak_mb": peak, "ratio": ratio, "runs": xs}
        print(f"| {m} | {sec:.2f} | {fmt([x['import_s'] for x in xs])} | "
              f"{fmt([x['process_s'] for x in xs])} | {fmt([x['cpu_s'] for x in xs])} | "
              f"{xs[0].get('rows')} | {peak:.0f} | "
              f"{f'{ratio:.2f}' if ratio else ''} |")
    checks = {m: {x.get("check") for x in ok[m]} for m in todo if ok[m]}
    print(f"\nscore totals (each engine read the same grades if these agree): {checks}")
    if "full" in summary:
        f = summary["full"]
        parts = {k: fmt([x["parts"][k] for x in f["runs"]]) for k in ("load", "sections",
                                                                       "write")}
        x = f["runs"][0]
        print(f"full report: load {parts['load']} s, sections {parts['sections']} s, write "
              f"{parts['write']} s; {x['sections']} sections, {x['files']} files, "
              f"{x['bytes'] / MIB:.1f} MiB, {x['answers']} answers, {x['problems']} problems; "
              f"peak memory after load {x['peaks']['after load']:.0f} MB, after sections "
              f"{x['peaks']['after sections']:.0f} MB, at the end {x['peak_mb']:.0f} MB")
        print(f"targets: full/bare {f['ratio']:.2f} (within 2.5: "
              f"{'met' if f['ratio'] <= 2.5 else 'NOT met'}); peak {f['peak_mb']:.0f} MB "
              f"(under 1024: {'met' if f['peak_mb'] < 1024 else 'NOT met'})")
    for m, why in skipped.items():
        print(f"not measured: {m} ({why})")
    if args.json:
        Path(args.json).write_text(json.dumps({"learners": args.learners, "loads": loads,
                                               "summary": summary, "skipped": skipped},
                                              indent=1, default=str))
    if not args.data:
        shutil.rmtree(data.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
