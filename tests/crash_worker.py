"""An indexing process for the crash test (``tests/test_reliability_index.py``): it adds batches
to an existing index, one ``Index.add`` (one commit) per batch, until it is killed.

    python tests/crash_worker.py INDEX [--batch-size N] [--workers N] [--max-batches N]

Batch ``k`` holds documents ``b{k}-0 … b{k}-{N-1}``; each of them carries the word
``batch_word(k)`` (and no other batch's word), so a search for it counts the batch. The same
commit also rewrites the document ``state`` with ``metadata={"batch": k, "size": N}``: after a
crash the state names the last committed batch, and every batch up to it must be complete.

The worker prints one line per event, flushed at once, so that the test knows what it was doing
when it was killed: ``ready``, ``begin k``, ``commit-start k`` / ``commit-end k`` (around the
engine's commit, i.e. while segment and table-of-contents files are being written), ``committed k``.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

WORDS = (
    "Regierung Bundestag Haushalt Energie Verkehr Streik Wahl Gipfel Abkommen Hochwasser Klima Schule"
    " Wirtschaft Preise Gericht Urteil Polizei Bahn Flughafen Hafen Kanzler Ministerin Opposition"
).split()


def batch_word(k: int) -> str:
    """A made-up word for batch ``k`` (letters only, so the analyzer keeps it whole):
    0 → "qzxba", 1 → "qzxbb", 26 → "qzxca" ..."""
    letters = ""
    n = k
    for _ in range(3):
        letters = chr(ord("a") + n % 26) + letters
        n //= 26
    return "qzx" + letters


def make_batch(k: int, size: int):  # type: ignore[no-untyped-def]
    from searchkit import Document

    rng = random.Random(k)
    word = batch_word(k)
    docs = []
    for i in range(size):
        filler = " ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 200)))
        docs.append(
            Document(
                id=f"b{k}-{i}",
                title=f"Meldung {word} Nummer {i}",
                lead=f"Kurzfassung {word}.",
                body=f"{filler} {word} {rng.randint(0, 10**9)}.",
                metadata={"batch": k, "n": i},
            )
        )
    docs.append(Document(id="state", title="Zustand", body=f"Zustand des Tests nach Stapel {k}.", metadata={"batch": k, "size": size}))
    return docs


def noop_enrich(doc):  # type: ignore[no-untyped-def]
    """Stands in for the NLP stage, so that ``--workers`` > 1 runs a process pool."""
    return doc


def say(line: str) -> None:
    sys.stdout.write(f"{line} @{time.time():.3f}\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("index", type=Path)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--max-batches", type=int, default=10**9)
    parser.add_argument("--lock-timeout", type=float, default=0.0)
    args = parser.parse_args(argv)

    from searchkit import Index, IndexLockedError

    current = {"k": -1}
    index = Index(args.index, lock_timeout=args.lock_timeout)
    # trace the commit of this index's engine (Whoosh: the segment and table-of-contents files
    # are written then; tantivy: segments are flushed and meta.json replaced)
    if index.engine_name == "tantivy":
        from searchkit.engines.tantivy_engine import TantivyWriter as writer_class
    else:
        from searchkit.engines.whoosh_engine import WhooshWriter as writer_class
    original_commit = writer_class.commit

    def traced_commit(self, *a, **kw):  # type: ignore[no-untyped-def]
        say(f"commit-start {current['k']}")
        result = original_commit(self, *a, **kw)
        say(f"commit-end {current['k']}")
        return result

    writer_class.commit = traced_commit  # type: ignore[method-assign]
    try:
        state = index.get("state")
        k = int(state.metadata["batch"]) + 1
    except Exception:  # noqa: BLE001 - no state yet: first batch
        k = 0
    say(f"ready {k}")
    for _ in range(args.max_batches):
        current["k"] = k
        docs = make_batch(k, args.batch_size)
        say(f"begin {k}")
        try:
            index.add(docs, enrich=noop_enrich if args.workers > 1 else None, workers=args.workers)
        except IndexLockedError as error:
            say(f"locked {error}")
            return 3
        say(f"committed {k}")
        k += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
