#!/usr/bin/env python
"""Build the lemma table of the German analyzer (``searchkit/lemmas.py``).

    pip install "simplemma==2.0.0"                 # build time only
    python scripts/build_lemma_table.py            # writes searchkit/data/lemma_table.tsv.gz
    python scripts/build_lemma_table.py --check sang gesungen starben

Why: the Snowball stemmer cuts endings, so "singen" and "gesungen" stay two terms, as do
"sterben"/"starben"/"gestorben" and "finden"/"fand". A question asks "Wie viele starben …?", the
article says "… sind gestorben". A lemmatizer's dictionary knows which forms belong together; the
analyzer maps each stem to the stem of its lemma.

Source: the German dictionary of ``simplemma`` (Adrien Barbaresi; code MIT, the German data
derived from Michal Měchura's lemmatization lists (ODbL), Wiktionary via Kaikki (CC BY-SA),
FreeLing, spaCy lookups data, UniMorph and the Wikinflection corpus (CC BY 4.0); see
``searchkit/data/README.md``). It maps about a million word forms to their lemmas.

What is kept: a map from stems to stems. Every dictionary form is stemmed, and so is its lemma;
a stem is mapped to its lemma's stem when *all* forms with that stem agree on it and it differs:

* Mapping stems, not forms, never separates words the stemmer already joins: "Aserbaidschan"
  (whose lemma the dictionary spells "Aserbeidschan") moves together with "Aserbaidschans",
  which the dictionary does not list.
* A stem whose forms disagree is left alone: "band" is a form of "binden" but "Band" is a
  noun, "stand" of "stehen" but "Stand" a noun, "sang" of "singen" but "Sang" a noun. A query
  typed in lowercase must not turn the noun into the verb.
* A capitalized adjective or participle the dictionary lists as a noun of its own ("Gestorbene",
  "Gesungene") counts as its lowercase word: German nominalizes them freely.
* Stems are folded like the analyzer's (ß → ss), so "hieß" and "hiess" agree.

Output: ``searchkit/data/lemma_table.tsv.gz``, UTF-8 lines ``stem<TAB>lemma stem``, sorted, gzip
without timestamp: the build is deterministic. The stems are Snowball's (PyStemmer, pinned in
``constraints.txt``): rebuild the table when the stemmer changes.
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from searchkit.analysis import GermanStemFilter  # noqa: E402
from searchkit.lemmas import TABLE_FILE  # noqa: E402

OUTPUT = ROOT / "searchkit" / "data" / TABLE_FILE
#: Endings of an inflected adjective: a capitalized word with one that the dictionary lists as its
#: own lemma, and that is also a lowercase form, is a nominalized adjective or participle.
ADJECTIVE_ENDINGS = ("e", "em", "en", "er", "es")
#: The simplemma release the shipped table was built from.
SIMPLEMMA_VERSION = "2.0.0"


def dictionary_pairs() -> list[tuple[str, str]]:
    """(form, lemma) of simplemma's German dictionary, as stored (with case)."""
    try:
        import simplemma
        from simplemma.strategies.dictionaries import DefaultDictionaryFactory
    except ImportError:
        sys.exit(f'build_lemma_table: needs simplemma: pip install "simplemma=={SIMPLEMMA_VERSION}"')
    version = getattr(simplemma, "__version__", "?")
    if version != SIMPLEMMA_VERSION:
        print(f"note: simplemma {version}, the shipped table was built with {SIMPLEMMA_VERSION}", file=sys.stderr)
    dictionary = DefaultDictionaryFactory().get_dictionary("de")
    return list(dictionary.items())


def lemma_table(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """stem → stem of the lemma, for the stems whose dictionary forms all have one lemma stem
    that differs from their own."""
    stem = GermanStemFilter().stem_form
    lemma_of = dict(pairs)
    targets: dict[str, set[str]] = defaultdict(set)
    for form, lemma in pairs:
        targets[stem(form.lower())].add(stem(_base(lemma_of, lemma).lower()))
    table = {s: next(iter(t)) for s, t in targets.items() if len(t) == 1 and s not in t}
    return {s: _final(table, s) for s in table}


def _follow(step: Callable[[str], str], start: str) -> str:
    """``start`` mapped by ``step`` again and again until it stays the same (or comes back)."""
    seen = {start}
    while (following := step(start)) not in seen:
        seen.add(following)
        start = following
    return start


def _base(lemma_of: dict[str, str], lemma: str) -> str:
    """A lemma that is itself a form of another lemma, followed to the end: the participle
    "gesungen", lemma of the adjective "gesungene", is a form of "singen"; the noun
    "Gesungene" is the adjective "gesungene"."""
    return _follow(lambda word: _next(lemma_of, word), lemma)


def _next(lemma_of: dict[str, str], lemma: str) -> str:
    next_lemma = lemma_of.get(lemma, lemma)
    if next_lemma == lemma and lemma[:1].isupper() and lemma.endswith(ADJECTIVE_ENDINGS):
        # a nominalized adjective or participle ("der Gestorbene") is the lowercase word
        return lemma_of.get(lemma.lower(), lemma)
    return next_lemma


def _final(table: dict[str, str], start: str) -> str:
    """Where ``start`` ends when its target is mapped again (rare chains, resolved here so the
    analyzer needs one look-up)."""
    return _follow(lambda stem: table.get(stem, stem), table[start])


def write(table: dict[str, str], path: Path) -> None:
    text = "".join(f"{stem}\t{table[stem]}\n" for stem in sorted(table))
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as out:
        out.write(text.encode("utf-8"))
    path.write_bytes(buffer.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", nargs="+", metavar="WORD", help="show what the table maps these words to")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    table = lemma_table(dictionary_pairs())
    if args.check:
        stem = GermanStemFilter().stem_form
        for word in args.check:
            print(f"{word}\t{stem(word.lower())}\t{table.get(stem(word.lower()), '(not mapped)')}")
        return 0
    write(table, args.output)
    print(f"{len(table):,} stems → {args.output} ({args.output.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
