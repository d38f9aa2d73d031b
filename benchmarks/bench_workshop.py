"""Load test of the live workshop: simulated learners on loopback (run by hand).

For each room size, a fresh kit server (no kernel pool: the workshop needs none) and a fresh
store; every learner joins at once, then answers ``--activities`` pushes each (myths, with a
tenth of answers resent with the same key, as a phone does after a lost reply). Reported:
answers sent (distinct keys), stored (rows in the store) and charted (the trainer's view),
which must be equal; join-to-ready and answer-to-trainer-view p50/p95; push-to-answer
(every answer within 2 s of its push); server CPU and memory.

The simulated learners run in this one process (asyncio + httpx) on the same cores as the
server, so the figures are pessimistic for a room of real phones.

    .venv/bin/python benchmarks/bench_workshop.py --learners 30,100 --activities 50
    .venv/bin/python benchmarks/bench_workshop.py --db postgresql+psycopg://...  # PostgreSQL
    .venv/bin/python benchmarks/bench_workshop.py --pg --learners 300  # a throwaway cluster

Each room's line also gives the machine's 1-minute load average before and after it (other
work on the same cores slows every figure).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from msp_learn.server import spawn, stop, wait_until_listening  # noqa: E402

#: The operator's token (MSP_LEARN_TOKEN): the script runs the room as the person running the
#: kit, as a trainer's own scripts would; a trainer in a browser signs in instead.
TOKEN = "bench-operator-token"
RESEND_SHARE = 0.1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def sse(client: httpx.AsyncClient, url: str, headers: dict, on_view) -> None:
    """Read a server-sent event stream, calling ``on_view`` with each view."""
    async with client.stream("GET", url, headers=headers, timeout=None) as response:
        response.raise_for_status()
        async for line in response.aiter_lines():
            if line.startswith("data: "):
                on_view(json.loads(line[6:]))


class Learner:
    def __init__(self, index: int) -> None:
        self.index = index
        self.secret = ""
        self.run = 0
        self.status = ""
        self.changed = asyncio.Event()
        self.ready_at = 0.0

    def on_view(self, view: dict) -> None:
        if not self.ready_at:
            self.ready_at = time.perf_counter()
        self.run, self.status = view["run"], view["status"]
        self.changed.set()


async def room(base: str, learners: int, activities: int, deadline: float) -> dict:
    limits = httpx.Limits(max_connections=2 * learners + 20, max_keepalive_connections=learners + 10)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client, \
            httpx.AsyncClient(base_url=base, timeout=60) as trainer_client:
        trainer = {"Authorization": f"token {TOKEN}"}
        myths = ["msp-just-a-chat", "nothing-wanted-close-case", "msp-takes-too-much-time",
                 "msp-lets-abusers-off", "msp-not-when-help-refused"]
        plan = [f"myth:{myths[i % len(myths)]}" for i in range(activities)]
        made = await trainer_client.post("workshop/api/sessions", json={"title": "Bench", "plan": plan},
                                 headers=trainer)
        made.raise_for_status()
        code = made.json()["code"]

        answered_at: dict[int, list[tuple[int, float]]] = {}  # run -> [(count, time seen)]
        last_view: dict = {}

        def on_trainer(view: dict) -> None:
            last_view.update(view)
            if view.get("tally") is not None:
                answered_at.setdefault(view["run"], []).append(
                    (view["tally"]["answered"], time.perf_counter()))

        tasks = [asyncio.create_task(sse(trainer_client, f"workshop/api/sessions/{code}/stream",
                                         trainer, on_trainer))]
        people = [Learner(i) for i in range(learners)]
        joined_at: dict[int, float] = {}

        async def join(p: Learner) -> None:
            joined_at[p.index] = time.perf_counter()
            r = await client.post("workshop/api/join", json={"code": code,
                                                             "alias": f"Learner {p.index}"})
            r.raise_for_status()
            p.secret = r.json()["secret"]
            tasks.append(asyncio.create_task(sse(
                client, f"workshop/api/stream?code={code}", {"X-Workshop-Secret": p.secret},
                p.on_view)))

        await asyncio.gather(*(join(p) for p in people))
        while not all(p.ready_at for p in people):
            if time.perf_counter() > deadline:
                raise TimeoutError("learners never became ready")
            await asyncio.sleep(0.05)
        join_ready = [p.ready_at - joined_at[p.index] for p in people]

        sent_keys = 0
        resends = 0
        send_times: dict[int, list[float]] = {}
        push_to_ack: list[float] = []
        errors: list[str] = []

        async def answer(p: Learner, run: int, pushed: float) -> None:
            nonlocal sent_keys, resends
            while p.run < run or p.status != "open":
                await asyncio.wait_for(p.changed.wait(), 30)
                p.changed.clear()
            await asyncio.sleep(random.uniform(0, 0.5))  # people read before they tap
            key = os.urandom(16).hex()
            body = {"code": code, "value": random.choice(["myth", "reality"]), "key": key}
            headers = {"X-Workshop-Secret": p.secret}
            sent = time.perf_counter()
            send_times.setdefault(run, []).append(sent)
            r = await client.post("workshop/api/answer", json=body, headers=headers)
            if r.status_code != 200:
                errors.append(f"{r.status_code} {r.text[:120]}")
                return
            sent_keys += 1
            push_to_ack.append(time.perf_counter() - pushed)
            if random.random() < RESEND_SHARE:  # the reply "got lost": the phone resends
                again = await client.post("workshop/api/answer", json=body, headers=headers)
                resends += 1
                if not again.json().get("duplicate"):
                    errors.append("a resend was not recognised as a duplicate")

        to_view: list[float] = []
        charted = 0
        for step in range(activities):
            pushed = time.perf_counter()
            r = await trainer_client.post(f"workshop/api/sessions/{code}/control",
                                  json={"action": "next"}, headers=trainer)
            r.raise_for_status()
            run = r.json()["run"]
            await asyncio.gather(*(answer(p, run, pushed) for p in people))
            while not answered_at.get(run) or answered_at[run][-1][0] < learners:
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"activity {step + 1}: the chart never showed all answers")
                await asyncio.sleep(0.01)
            charted += answered_at[run][-1][0]
            seen = answered_at[run]
            for k, sent in enumerate(sorted(send_times[run]), start=1):
                shown = next(t for count, t in seen if count >= k)
                to_view.append(max(0.0, shown - sent))
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return {"code": code, "sent": sent_keys, "resends": resends, "charted": charted,
                "errors": errors, "join_ready": join_ready, "to_view": to_view,
                "push_to_ack": push_to_ack}


def stored(db_url: str, code: str) -> int:
    from msp_learn.store import Store, WorkshopStore

    with Store(db_url) as store:
        ws = WorkshopStore(store)
        return len(ws.answers(ws.session(code).id))


def run_size(learners: int, args) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="bench-workshop-"))
    db_url = args.db or f"sqlite:///{workdir / 'store.sqlite'}"
    if args.db:  # start from empty workshop tables on a given database
        from sqlalchemy import create_engine

        from msp_learn.store import Store, _schema

        Store(db_url).close()  # a fresh database gets its tables first
        engine = create_engine(db_url)
        with engine.begin() as conn:
            for table in reversed(_schema.WORKSHOP_TABLES):
                conn.execute(table.delete())
        engine.dispose()
    port = free_port()
    load_before = os.getloadavg()[0]
    log = (workdir / "server.log").open("w")
    proc = spawn(apps_dir=REPO / "voila_apps", port=port, pool_size=0, stdout=log,
                 stderr=subprocess.STDOUT,
                 env={**os.environ, "MSP_LEARN_DATA": str(workdir), "MSP_LEARN_DB": db_url,
                      "MSP_LEARN_TOKEN": TOKEN, "MSP_LEARN_CONTENT": str(REPO),
                      # every simulated learner joins from 127.0.0.1: one address for the room
                      "MSP_LEARN_WORKSHOP_JOINS": str(10 * learners)})
    try:
        base = wait_until_listening(proc, "127.0.0.1", port, timeout=120)
        server = psutil.Process(proc.pid)
        httpx.get(base + "workshop", timeout=60)
        rss_start = server.memory_info().rss
        me = psutil.Process()
        cpu_start, wall_start = sum(server.cpu_times()[:2]), time.perf_counter()
        client_start = sum(me.cpu_times()[:2])
        peak = [rss_start]

        async def main() -> dict:
            async def sample() -> None:
                while True:
                    peak[0] = max(peak[0], server.memory_info().rss)
                    await asyncio.sleep(0.5)

            sampler = asyncio.create_task(sample())
            try:
                return await room(base, learners, args.activities,
                                  time.perf_counter() + args.timeout)
            finally:
                sampler.cancel()

        result = asyncio.run(main())
        wall = time.perf_counter() - wall_start
        cpu = sum(server.cpu_times()[:2]) - cpu_start
        client_cpu = sum(me.cpu_times()[:2]) - client_start
        rss_end = server.memory_info().rss
    finally:
        stop(proc)
        log.close()
    result["stored"] = stored(db_url, result["code"])
    ok = result["sent"] == result["stored"] == result["charted"] == learners * args.activities
    summary = {
        "learners": learners, "activities": args.activities,
        "database": "postgresql" if db_url.startswith("postgresql") else "sqlite",
        "sent": result["sent"], "stored": result["stored"], "charted": result["charted"],
        "resends": result["resends"], "all_equal": ok, "errors": result["errors"][:5],
        "join_ready_p50": pct(result["join_ready"], 0.5),
        "join_ready_p95": pct(result["join_ready"], 0.95),
        "to_view_p50": pct(result["to_view"], 0.5), "to_view_p95": pct(result["to_view"], 0.95),
        "push_to_ack_p95": pct(result["push_to_ack"], 0.95),
        "push_to_ack_max": max(result["push_to_ack"], default=float("nan")),
        "within_2s": sum(t <= 2.0 for t in result["push_to_ack"]),
        "server_cpu_s": round(cpu, 1), "wall_s": round(wall, 1),
        "server_cpu_share": round(cpu / wall, 2), "client_cpu_s": round(client_cpu, 1),
        "server_rss_mb_start": round(rss_start / 2**20), "server_rss_mb_peak": round(peak[0] / 2**20),
        "server_rss_mb_end": round(rss_end / 2**20),
        "load_before": round(load_before, 2), "load_after": round(os.getloadavg()[0], 2),
    }
    return summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", default="30,100", help="room sizes, comma-separated")
    parser.add_argument("--activities", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=900, help="seconds per room at most")
    parser.add_argument("--db", help="a SQLAlchemy URL (default: a fresh SQLite file per room)")
    parser.add_argument("--pg", action="store_true",
                        help="start a throwaway PostgreSQL cluster (tests/pg.py) and use it")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.learners.split(",")]
    if any(n < 1 or n > 500 for n in sizes) or not 1 <= args.activities <= 200:
        parser.error("learners 1..500 and activities 1..200")
    results = []
    cluster = None
    if args.pg:
        from tests import pg

        cluster = pg.Cluster(max_connections=max(pg.MAX_CONNECTIONS, 60)).start()
        args.db = pg.Databases(cluster.url()).create()
    try:
        for n in sizes:
            summary = run_size(n, args)
            results.append(summary)
            print(json.dumps(summary), flush=True)
    finally:
        if cluster is not None:
            cluster.stop()
    print("\n| learners | db | sent | stored | charted | equal | join→ready p50/p95 | "
          "answer→trainer p50/p95 | push→ack p95 (max) | ≤2 s | server CPU | learners' CPU | "
          "server RSS peak | load before/after |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for s in results:
        print(f"| {s['learners']} | {s['database']} | {s['sent']} | {s['stored']} | "
              f"{s['charted']} | {'yes' if s['all_equal'] else 'NO'} | "
              f"{s['join_ready_p50']:.2f} / {s['join_ready_p95']:.2f} s | "
              f"{s['to_view_p50']:.2f} / {s['to_view_p95']:.2f} s | "
              f"{s['push_to_ack_p95']:.2f} s ({s['push_to_ack_max']:.2f}) | "
              f"{s['within_2s']}/{s['sent']} | {s['server_cpu_s']} s in {s['wall_s']} s "
              f"({s['server_cpu_share']:.0%}) | {s['client_cpu_s']} s | "
              f"{s['server_rss_mb_peak']} MB | {s['load_before']:.1f} / {s['load_after']:.1f} |")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0 if all(s["all_equal"] and not s["errors"] for s in results) else 1


if __name__ == "__main__":
    sys.exit(main())
