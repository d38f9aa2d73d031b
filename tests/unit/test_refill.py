"""The pool-refill gate: refills wait for spare CPU, one at a time, and never forever."""

from __future__ import annotations

import asyncio
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from msp_learn.server._refill import IdleRefill, cpu_busy_sampler


def gate_with(readings, **kwargs):
    """A gate whose CPU sampler returns ``readings`` in turn (then stays at the last)."""
    seen = list(readings)

    def sampler():
        def busy():
            return seen.pop(0) if len(seen) > 1 else seen[0]
        return busy

    return IdleRefill(sampler=sampler, interval=0.001, **kwargs)


def run(coro):
    """Run ``coro`` on a fresh event loop in its own thread: the browser tests' Playwright
    keeps a loop running in the main thread for the whole session."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _initialize(log, name, kernel_id=None, **kwargs):
    log.append(("start", name, kernel_id))
    await asyncio.sleep(0)
    log.append(("end", name, kernel_id))
    return {"kernel_id": kernel_id or f"k-{name}"}


def test_refill_waits_until_the_machine_is_idle():
    gate = gate_with([95, 90, 80, 10])
    log = []
    result = run(gate.wrap(lambda *a, **k: _initialize(log, *a, **k))("app.ipynb"))
    assert result == {"kernel_id": "k-app.ipynb"}
    assert gate.released == Counter(idle=1)
    assert log == [("start", "app.ipynb", None), ("end", "app.ipynb", None)]


def test_refill_starts_after_max_wait_on_a_machine_that_stays_busy():
    now = [0.0]

    def clock():
        now[0] += 1.0
        return now[0]

    gate = IdleRefill(sampler=lambda: (lambda: 100.0), interval=0.001, max_wait=5, clock=clock)
    log = []
    run(gate.wrap(lambda *a, **k: _initialize(log, *a, **k))("app.ipynb"))
    assert gate.released == Counter(max_wait=1)
    assert log[0] == ("start", "app.ipynb", None)


def test_queued_refills_share_their_deadline_from_when_they_were_due():
    """Under steady load, refills queued together all start by their own deadline (one after
    another), not one max_wait each."""
    now = [0.0]
    gate = IdleRefill(sampler=lambda: (lambda: 100.0), interval=0.001, max_wait=10,
                      clock=lambda: now[0])
    log = []

    async def initialize(name, kernel_id=None, **kwargs):
        log.append((name, now[0]))
        now[0] += 1.0  # each start takes a second

    wrapped = gate.wrap(initialize)

    async def three_then_time_passes():
        tasks = [asyncio.create_task(wrapped(f"nb{i}")) for i in range(3)]
        await asyncio.sleep(0.01)
        assert log == []  # busy machine, deadline not reached: nobody starts
        now[0] = 10.0
        await asyncio.wait_for(asyncio.gather(*tasks), 5)

    run(three_then_time_passes())
    assert gate.released == Counter(max_wait=3)
    assert [t for _, t in log] == [10.0, 11.0, 12.0]


def test_restarting_an_existing_kernel_is_not_gated():
    gate = gate_with([100])
    log = []
    run(gate.wrap(lambda *a, **k: _initialize(log, *a, **k))("app.ipynb", "k1"))
    assert gate.released == Counter()
    assert log == [("start", "app.ipynb", "k1"), ("end", "app.ipynb", "k1")]


def test_refills_start_one_after_another():
    gate = gate_with([0])
    log = []
    wrapped = gate.wrap(lambda *a, **k: _initialize(log, *a, **k))

    async def three():
        await asyncio.gather(*(wrapped(f"nb{i}") for i in range(3)))

    run(three())
    # Each refill ends before the next one starts.
    assert [kind for kind, *_ in log] == ["start", "end"] * 3
    assert gate.released == Counter(idle=3)


def test_closing_releases_a_waiting_refill():
    gate = gate_with([100], max_wait=3600)
    log = []
    wrapped = gate.wrap(lambda *a, **k: _initialize(log, *a, **k))

    async def close_soon():
        task = asyncio.create_task(wrapped("app.ipynb"))
        await asyncio.sleep(0.02)
        assert not task.done()  # still waiting on a busy machine
        gate.closing = True
        await asyncio.wait_for(task, 5)

    run(close_soon())
    assert gate.released == Counter(closing=1)


@pytest.mark.parametrize("kwargs", [{"busy_percent": 0}, {"busy_percent": 101},
                                    {"max_wait": -1}, {"interval": 0}])
def test_rejects_bad_settings(kwargs):
    with pytest.raises(ValueError):
        IdleRefill(**kwargs)


def test_real_sampler_gives_a_percentage():
    busy = cpu_busy_sampler()
    sum(i * i for i in range(200_000))  # some work between the two readings
    assert 0.0 <= busy() <= 100.0


def test_refill_waits_for_fill_delay_before_it_may_start():
    """Does a refill on an idle machine still wait the pool's fill_delay first?"""
    now = [0.0]

    def clock():
        now[0] += 0.5
        return now[0]

    gate = IdleRefill(sampler=lambda: (lambda: 0.0), interval=0.001, delay=5, clock=clock)
    log = []

    async def initialize(name, kernel_id=None, **kwargs):
        log.append(now[0])

    run(gate.wrap(initialize)("app.ipynb"))
    assert gate.released == Counter(idle=1)
    assert log[0] >= 5.0  # the start came after the delay, not at once


def test_a_page_finding_the_pool_empty_releases_waiting_refills_at_once():
    """When a page finds no kernel ready (the room outgrew the pool), do refills that were
    waiting (for fill_delay or an idle machine) start at once, with a clear warning?"""
    warnings = []
    gate = IdleRefill(sampler=lambda: (lambda: 100.0), interval=0.001, delay=3600,
                      max_wait=3600, warn=warnings.append)
    log = []
    wrapped = gate.wrap(lambda *a, **k: _initialize(log, *a, **k))

    async def miss_soon():
        tasks = [asyncio.create_task(wrapped("app.ipynb")) for _ in range(2)]
        await asyncio.sleep(0.02)
        assert log == []  # a busy machine, long delay: nothing starts yet
        gate.missed("app.ipynb", pool_size=2)
        await asyncio.wait_for(asyncio.gather(*tasks), 5)

    run(miss_soon())
    assert gate.released == Counter(demand=2)
    assert [kind for kind, *_ in log] == ["start", "end"] * 2  # still one at a time
    assert len(warnings) == 1
    assert "outgrown the kernel pool for app.ipynb" in warnings[0]
    assert "--pool-size 3" in warnings[0]


def test_demand_lasts_while_pages_keep_arriving_then_ends():
    """Does 'refill at once' carry on while kernels keep being taken within the window, and
    end once no page has arrived for demand_window seconds?"""
    now = [0.0]
    gate = IdleRefill(sampler=lambda: (lambda: 100.0), interval=0.001, demand_window=60,
                      clock=lambda: now[0])
    gate.missed("app.ipynb", pool_size=2)
    assert gate.in_demand("app.ipynb") and not gate.in_demand("other.ipynb")
    for _ in range(3):  # a steady stream: a kernel taken every 50 s keeps it going
        now[0] += 50
        gate._taken("app.ipynb")
        assert gate.in_demand("app.ipynb")
    now[0] += 61
    assert not gate.in_demand("app.ipynb")


def test_a_new_episode_warns_again_and_counts_from_one():
    """After demand has ended, does the next miss warn again with a fresh count?"""
    now = [0.0]
    warnings = []
    gate = IdleRefill(demand_window=10, clock=lambda: now[0], warn=warnings.append)
    gate.missed("app.ipynb", 2)
    gate.missed("app.ipynb", 2)
    assert len(warnings) == 1
    now[0] += 11
    gate.missed("app.ipynb", 2)
    assert len(warnings) == 2 and "1 page(s)" in warnings[1]


def test_room_that_fits_the_pool_keeps_refills_gated():
    """With no page ever finding the pool empty, does a refill still wait for idle CPU?"""
    gate = gate_with([95, 90, 10], delay=0)
    log = []
    run(gate.wrap(lambda *a, **k: _initialize(log, *a, **k))("app.ipynb"))
    assert gate.released == Counter(idle=1)


@pytest.mark.parametrize("kwargs", [{"delay": -1}, {"demand_window": -1}])
def test_rejects_bad_delay_or_window(kwargs):
    with pytest.raises(ValueError):
        IdleRefill(**kwargs)
