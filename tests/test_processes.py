"""Child processes are born deaf to Ctrl-C (``searchkit.processes``)."""

from __future__ import annotations

import os
import signal
import sys

import pytest

from searchkit.processes import children_deaf_to_interrupts, ignore_interrupts

pytestmark = pytest.mark.skipif(not hasattr(signal, "pthread_sigmask") or sys.platform == "win32",
                                reason="POSIX signal masks and fork")


def _child(queue) -> None:  # type: ignore[no-untyped-def]
    """Report the mask the child was born with, then take a Ctrl-C after ``ignore_interrupts``."""
    queue.put(signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, set()))
    ignore_interrupts()
    os.kill(os.getpid(), signal.SIGINT)
    queue.put("alive")


def test_a_child_is_born_with_interrupts_blocked_and_then_ignores_them() -> None:
    """A Ctrl-C that reached a pool worker before its initializer ran killed it with a
    traceback, and a pool that lost a worker while starting may never finish terminating (an
    interrupted ``searchkit index --workers 2`` that never ended, under load)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    queue = context.SimpleQueue()
    with children_deaf_to_interrupts():
        assert signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, set())
        child = context.Process(target=_child, args=(queue,))
        child.start()
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, set())  # the parent hears it again
    child.join(timeout=20)
    assert queue.get() is True and queue.get() == "alive" and child.exitcode == 0
