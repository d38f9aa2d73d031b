"""The store read aside, in a forked process (``reports._aside``): the same result as here,
and nothing lost when the child cannot give it."""

from __future__ import annotations

import os
import signal
import threading

import pandas as pd
import pytest

from msp_learn.reports import _aside, _data, load
from msp_learn.reports._aside import Aside
from tests.reports.test_data_load import write_store

needs_fork = pytest.mark.skipif(not _aside.can_fork(), reason="no fork here, or other threads")


def _pid_and(value):
    return os.getpid(), value


@needs_fork
def test_the_work_runs_in_another_process_and_its_result_comes_back():
    job = Aside(_pid_and, ({"rows": list(range(1000))},))
    pid, value = job.result()
    assert pid != os.getpid() and job.ran_aside and job.why_here is None
    assert value == {"rows": list(range(1000))}


def test_asked_not_to_it_runs_here():
    job = Aside(_pid_and, ("x",), parallel=False)
    assert job.result() == (os.getpid(), "x")
    assert not job.ran_aside and job.why_here == "asked to run in this process"


def test_with_another_thread_running_it_does_not_fork():
    """Forking a process that runs other threads (a Jupyter kernel) could deadlock the
    child: the work runs here instead."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        job = Aside(_pid_and, ("x",))
        assert job.result() == (os.getpid(), "x") and not job.ran_aside
        assert "other threads" in job.why_here
    finally:
        stop.set()
        other.join()


def _die():
    os.kill(os.getpid(), signal.SIGKILL)


def _fails_there(parent: int):
    if os.getpid() != parent:
        raise RuntimeError("only in the child")
    return "worked out here"


def _unpicklable(parent: int):
    return (lambda: None) if os.getpid() != parent else "worked out here"


@needs_fork
@pytest.mark.parametrize("fn, why", [
    (_fails_there, "RuntimeError: only in the child"),
    (_unpicklable, "could not be sent"),
])
def test_a_child_that_fails_leaves_the_work_to_this_process(fn, why):
    job = Aside(fn, (os.getpid(),))
    assert job.result() == "worked out here"
    assert not job.ran_aside and why in job.why_here


@needs_fork
def test_a_child_that_dies_leaves_the_work_to_this_process(monkeypatch):
    calls = []
    job = Aside(_die, ())
    monkeypatch.setattr(job, "fn", lambda: calls.append("here") or "worked out here")
    assert job.result() == "worked out here" and calls == ["here"]
    assert "ended without a result" in job.why_here


@needs_fork
def test_cancel_stops_the_child():
    job = Aside(signal.pause, ())
    process = job._process
    job.cancel()
    assert not process.is_alive() and job._conn is None


def test_the_report_is_the_same_read_aside_or_here(tmp_path, catalogue, monkeypatch):
    made: list[Aside] = []

    class Recorded(Aside):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(_data, "Aside", Recorded)
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    write_store(url)
    here = load(store_url=url, catalogue=catalogue, parallel=False)
    aside = load(store_url=url, catalogue=catalogue)
    assert [a.ran_aside for a in made] == [False, _aside.can_fork()]
    for name in ("answers", "choices", "endings", "reflections", "anonymous", "learners"):
        pd.testing.assert_frame_equal(getattr(aside, name), getattr(here, name), obj=name)
    assert [p.message for p in aside.problems] == [p.message for p in here.problems]
    assert len(here.answers) >= 6 and any("could not be read" in p.message
                                          for p in here.problems)
