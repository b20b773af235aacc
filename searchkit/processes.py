"""Child processes and Ctrl-C: the parent handles an interrupt (it cancels the batch, nothing is
committed), the children it forks ignore it.

A terminal's Ctrl-C reaches every process of the foreground group. A child that has not yet
set SIGINT to "ignore" when the signal arrives dies with a traceback (each printed one), and a
pool that lost a worker while starting may never finish terminating: a ``searchkit index
--workers 2`` interrupted under load once never ended. So a child is started with SIGINT
*blocked* (the mask is inherited through ``fork``), ignores it first thing, and only then
unblocks it; the parent unblocks it as soon as the children are started, and an interrupt that
came meanwhile is delivered to the parent then.

SIGTERM and SIGHUP, which the command line handles as Ctrl-C (``cli.stop_signals_as_interrupts``),
are blocked the same way and set back to their default in the child: a pool ends its workers
with SIGTERM, and a child must die of it, not raise the parent's interrupt.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


#: What the command line handles like Ctrl-C (``kill``, ``docker stop``, a closed terminal).
TERMINATING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
#: Ctrl-C and those.
_STOP_SIGNALS = {signal.SIGINT, *TERMINATING_SIGNALS}


@contextmanager
def children_deaf_to_interrupts() -> Iterator[None]:
    """Within this block, processes started (forked) by this thread are born with SIGINT
    blocked; they must call ``ignore_interrupts`` first (a pool's ``initializer``)."""
    if not hasattr(signal, "pthread_sigmask"):  # (Windows: no fork, no process groups)
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def ignore_interrupts() -> None:
    """In a child process: ignore Ctrl-C (the parent handles it), then take signals again (an
    interrupt that came while SIGINT was blocked is discarded, being ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for stop in TERMINATING_SIGNALS:
        signal.signal(stop, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)


_race_guard_lock = threading.Lock()
_race_guarded = False


def quiet_broken_pool_race() -> None:
    """Let a broken process pool fail every future it holds, also after the caller cancelled
    some of them (installed once).

    When a ``ProcessPoolExecutor``'s workers die (a SIGTERM sent to the whole process group
    reaches them too) while it still holds a future the caller cancelled (a cancelled batch),
    Python before 3.12 raises ``InvalidStateError`` in the pool's manager thread: it sets the
    ``BrokenProcessPool`` on that cancelled future (CPython gh-107219). The thread printed a
    traceback after the command's own one line and ended there: the futures after that one
    never finished, the surviving workers were not terminated, and the queue's feeder thread
    could stay blocked on the pipe, so that the process never exited. This is the fix 3.12
    made, done from outside: while the pool marks its futures broken, a cancelled one takes
    the error silently, and the rest of its cleanup runs as written."""
    global _race_guarded
    with _race_guard_lock:
        if _race_guarded:
            return
        from concurrent.futures import InvalidStateError
        from concurrent.futures import process as pool_module

        manager = getattr(pool_module, "_ExecutorManagerThread", None)
        original = getattr(manager, "terminate_broken", None)
        if original is None:  # (another Python: nothing to mend)
            _race_guarded = True
            return

        class _Settable:
            """A pending future as ``terminate_broken`` sees it: failed unless cancelled."""

            def __init__(self, future: Any) -> None:
                self.future = future

            def set_exception(self, error: BaseException) -> None:
                with contextlib.suppress(InvalidStateError):
                    self.future.set_exception(error)

        def terminate_broken(self: Any, cause: Any) -> None:
            for item in list(getattr(self, "pending_work_items", {}).values()):
                if not isinstance(item.future, _Settable):
                    item.future = _Settable(item.future)
            original(self, cause)

        manager.terminate_broken = terminate_broken
        _race_guarded = True
