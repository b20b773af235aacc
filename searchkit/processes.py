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
    """Keep a broken process pool from printing a traceback for a future the caller cancelled.

    When a ``ProcessPoolExecutor``'s workers die (a SIGTERM sent to the whole process group
    reaches them too) while it still holds a future the caller cancelled (a cancelled batch),
    Python before 3.12 raises ``InvalidStateError`` in the pool's manager thread: it sets the
    ``BrokenProcessPool`` on that cancelled future (CPython gh-107219; 3.12 ignores exactly this
    error there). The thread prints a traceback after the command's own one line and ends
    before terminating the workers still alive. This hook (installed once) drops that one error
    of that one thread, terminates those workers as the thread would have, and passes every
    other thread exception on."""
    global _race_guarded
    with _race_guard_lock:
        if _race_guarded:
            return
        from concurrent.futures import InvalidStateError
        from concurrent.futures.process import _ExecutorManagerThread

        previous = threading.excepthook

        def hook(args: Any) -> None:
            if isinstance(args.thread, _ExecutorManagerThread) and isinstance(args.exc_value, InvalidStateError):
                for process in list(getattr(args.thread, "processes", {}).values()):
                    if process.is_alive():
                        process.terminate()
                return
            previous(args)

        threading.excepthook = hook
        _race_guarded = True
