"""One read run aside, in a forked process, while this process does other work.

A report reads two large sources: nbgrader's gradebook and the kit's store. Neither needs
the other, and the machine has more than one core, so :class:`Aside` reads the store in a
forked child while the caller reads the gradebook. The child sends its result back through a
pipe (pickled); :meth:`Aside.result` waits for it.

Nothing is lost when the child cannot help: where ``fork`` is not available, in a process
that runs other threads (a Jupyter kernel: forking it could deadlock the child), or when the
child dies or fails, the work runs here instead, when its result is asked for. So the result
is always the same as ``fn(*args)`` called here, only sooner.
"""

from __future__ import annotations

import multiprocessing
import threading
import traceback
from collections.abc import Callable
from typing import Any


def can_fork() -> bool:
    """Whether forking here is safe: a ``fork`` start method and no other Python thread."""
    return ("fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)


class Aside:
    """The result of ``fn(*args)``, worked out in a forked child when one could be started."""

    def __init__(self, fn: Callable[..., Any], args: tuple, parallel: bool = True) -> None:
        self.fn, self.args = fn, args
        self.ran_aside = False  # True once a result came from the child
        self.why_here: str | None = None  # why it ran in this process, if it did
        self._process = self._conn = None
        if not parallel:
            self.why_here = "asked to run in this process"
        elif not can_fork():
            self.why_here = "cannot fork here (no fork, or other threads running)"
        else:
            try:
                self._start()
            except OSError as exc:  # no more processes, no memory for one...
                self.why_here = f"could not start a process ({exc})"

    def _start(self) -> None:
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(send, self.fn, self.args), daemon=True,
                                  name="msp-learn-aside")
        process.start()
        send.close()  # the child holds the sending end; EOF here when it ends
        self._process, self._conn = process, receive

    def result(self) -> Any:
        """The result (from the child, or worked out here if the child could not give it)."""
        if self._conn is not None:
            conn, process = self._conn, self._process
            self._conn = self._process = None
            try:
                ok, value = conn.recv()
            except (EOFError, OSError):  # the child died before it sent anything
                ok, value = False, "the process ended without a result"
            except Exception as exc:  # noqa: BLE001 - e.g. a result that would not unpickle
                ok, value = False, f"its result could not be read ({exc})"
            finally:
                conn.close()
                process.join(timeout=5)
                if process.is_alive():
                    process.kill()
                    process.join()
            if ok:
                self.ran_aside = True
                return value
            self.why_here = f"the process aside failed: {value}"
        return self.fn(*self.args)

    def cancel(self) -> None:
        """Stop the child, if one runs (the caller no longer wants the result)."""
        if self._process is not None:
            self._process.kill()
            self._process.join()
            self._conn.close()
            self._conn = self._process = None


def _child(send, fn: Callable[..., Any], args: tuple) -> None:
    try:
        message = (True, fn(*args))
    except BaseException:  # noqa: BLE001 - the parent runs it again and sees the error
        message = (False, traceback.format_exc().strip().splitlines()[-1])
    try:
        send.send(message)
    except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be pickled
        send.send((False, f"its result could not be sent ({exc})"))
    finally:
        send.close()
