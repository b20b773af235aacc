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


@pytest.mark.parametrize("item_bytes", [10, 1_000_000])
def test_a_broken_pool_holding_a_cancelled_future_fails_the_rest_and_ends(
    capfd: pytest.CaptureFixture[str], item_bytes: int
) -> None:
    """A group SIGTERM during a tantivy import with ``--workers 2`` killed the analysis pool's
    workers while the cancelled batch's futures were still queued: Python 3.11's pool then
    raised InvalidStateError in its own thread and printed a traceback after the command's one
    line (CPython gh-107219); the futures after the cancelled one never finished, its other
    workers ran on, and with large items its queue's feeder stayed blocked on the pipe: the
    process never exited. Reproduced here: two workers busy, one killed, queued futures
    cancelled and not; items of 1 MB fill the pipe (a review of the first fix)."""
    import concurrent.futures
    import multiprocessing
    import time
    from concurrent.futures.process import BrokenProcessPool

    from searchkit.processes import quiet_broken_pool_race

    quiet_broken_pool_race()
    pool = concurrent.futures.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"))
    busy = [pool.submit(time.sleep, 30) for _ in range(2)]
    deadline = time.monotonic() + 30
    while not all(f.running() for f in busy) and time.monotonic() < deadline:
        time.sleep(0.01)
    queued = [pool.submit(len, b"x" * item_bytes) for _ in range(8)]
    time.sleep(0.2)
    cancelled = [f for f in queued[:4] if f.cancel()]
    assert cancelled  # still waiting for a worker: cancellable
    workers = list(pool._processes.values())
    feeder = pool._call_queue._thread
    try:
        os.kill(workers[0].pid, signal.SIGKILL)
        pool._executor_manager_thread.join(30)
        for worker in workers:
            worker.join(10)
        assert not pool._executor_manager_thread.is_alive()
        # the survivor was terminated too (left running, it kept the interpreter from exiting)
        assert not any(worker.is_alive() for worker in workers)
        for future in queued[4:]:  # not cancelled: failed as broken, not pending for ever
            with pytest.raises(BrokenProcessPool):
                future.result(timeout=10)
        if feeder is not None:
            feeder.join(10)
            assert not feeder.is_alive()  # the pipe's writer, which exit waits for
        assert "InvalidStateError" not in capfd.readouterr().err
    finally:
        for worker in workers:
            worker.kill()
