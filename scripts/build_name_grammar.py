#!/usr/bin/env python
"""Build the table that turns a declined name into its nominative (``searchkit/nominative.py``).

    python3 -m venv /tmp/build && /tmp/build/bin/pip install german-nouns==1.2.5 wordfreq==3.1.1
    /tmp/build/bin/python scripts/build_name_grammar.py     # writes searchkit/data/name_grammar.tsv.gz
    /tmp/build/bin/python scripts/build_name_grammar.py --check Amts Bundesamtes Emiraten auswärtigen

(A separate environment: ``german-nouns`` pins an old lxml.) Build time only; the package reads
the table and needs neither library.

Why: articles name places and organisations in every case ("im Auswärtigen Amt", "des
Statistischen Bundesamts", "in den Vereinigten Arabischen Emiraten"). When an index holds a name
only in such a form, the facet showed it so. The nominative needs two facts: the gender and
number of the head noun (Amt: neuter → "Auswärtiges Amt"; Emirate: plural → "Vereinigte
Arabische Emirate") and whether the words before it are adjectives.

Sources: nouns, their genders and case forms from ``german-nouns`` (Wiktionary, CC BY-SA 4.0);
which lowercase words are adjectives from Debian's ``wngerman`` word list
(``/usr/share/dict/ngerman``, GPL-2); ``wordfreq`` (Apache 2.0; its data CC BY-SA 4.0) keeps the
nouns used in German text (compounds are read by their last part at run time:
"Lehrerverband" by "Verband"). See ``searchkit/data/README.md``.

Output lines (UTF-8, sorted, gzip without timestamp: deterministic):

* ``N<TAB>form<TAB>nominative<TAB>g``: a case form of a noun, the nominative it belongs to
  and ``m``/``f``/``n`` (singular) or ``p`` (plural: the nominative is the plural's). A form
  of nouns that disagree (gender, number, "Spielen" as plural and as the verb noun) has ``-``
  and ``?``: known as a noun (compounds are read by it), but no guess at its gender.
* ``T<TAB>form<TAB>nominative``: a case form of a place name ("Balkans", "Niederlanden"); not
  forms that are names themselves.
* ``A<TAB>stem``: an adjective stem: the word list has stem + e, en, em, er and es.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "searchkit" / "data" / "name_grammar.tsv.gz"
NGERMAN = Path("/usr/share/dict/ngerman")
#: Nouns rarer than this (wordfreq's Zipf scale of the lowercase lemma) are left out: names end
#: in common nouns or in compounds of them, which are read by their last part.
MIN_ZIPF = 2.0
#: Parts of speech of proper names and fragments: not the head nouns of names.
SKIP_POS = {"Toponym", "Vorname", "Nachname", "Eigenname", "Abkürzung", "Wortverbindung", "Affix",
            "Buchstabe", "Symbol", "Gebundenes Lexem", "Suffix", "Präfix"}
ADJECTIVE_ENDINGS = ("e", "en", "em", "er", "es")


def _columns(header: list[str]) -> tuple[dict[str, int], list[int], list[int], list[int]]:
    """german-nouns' CSV header: column numbers by name, of the singular and plural case forms
    and of the nominative plural (each in up to four variants)."""
    col = {name: i for i, name in enumerate(header)}
    cases = ("nominativ", "genitiv", "dativ", "akkusativ")
    singular = [i for name, i in col.items() if " singular" in name and name.split()[0] in cases]
    plural = [i for name, i in col.items() if " plural" in name and name.split()[0] in cases]
    return col, singular, plural, [i for name, i in col.items() if name.startswith("nominativ plural")]


def _cells(row: list[str], columns: list[int]) -> list[str]:
    """The one-word forms in these columns of a row."""
    return [row[i] for i in columns if i < len(row) and row[i] and " " not in row[i]]


def nouns(path: Path, min_zipf: float) -> dict[str, tuple[str, str]]:
    """form → (nominative, gender or 'p'); a form of two nouns that disagree on it (the
    plural "Spielen" and the verb noun "das Spielen"; "Bund": der and das) → ('-', '?'): known
    as a noun, so that compounds are read right, but no guess at its gender."""
    from wordfreq import zipf_frequency

    # form → {(nominative, gender or 'p')}
    singular_of: dict[str, set[tuple[str, str]]] = {}
    plural_of: dict[str, set[tuple[str, str]]] = {}
    with path.open(encoding="utf-8") as handle:
        reader = csv.reader(handle)
        col, singular, plural, nominative_plural = _columns(next(reader))
        genus = [col[name] for name in ("genus", "genus 1", "genus 2", "genus 3", "genus 4") if name in col]
        for row in reader:
            lemma, pos = row[0], set(row[1].split(","))
            if "Substantiv" not in pos or pos & SKIP_POS or not lemma[:1].isupper() or " " in lemma:
                continue
            if zipf_frequency(lemma.lower(), "de") < min_zipf:
                continue
            genders = {row[i] for i in genus if i < len(row) and row[i]}
            gender = genders.pop() if len(genders) == 1 and genders <= {"m", "f", "n"} else "?"

            for form in {lemma, *_cells(row, singular)}:
                singular_of.setdefault(form, set()).add((lemma, gender))
            plurals = _cells(row, nominative_plural)
            for form in _cells(row, plural):
                # "Seeleute" is a plural of "Seemann" of its own, not another spelling of "Seemänner"
                own = form if form in plurals else (plurals[0] if plurals else "")
                if own:
                    plural_of.setdefault(form, set()).add((own, "p"))
    table = {}
    for form in singular_of.keys() | plural_of.keys():
        # "Lehrer", "Volksschüler": singular and plural alike, so the number is unknown too
        found = singular_of.get(form, set()) | plural_of.get(form, set())
        reading = next(iter(found))
        table[form] = reading if len(found) == 1 and reading[1] != "?" else ("-", "?")
    return table


def toponyms(path: Path) -> dict[str, str]:
    """Case forms of place names → their nominative ("Balkans" → "Balkan", "Niederlanden" →
    "Niederlande"); a form that is itself the name of something, or of two places, is left out."""
    lemmas: set[str] = set()
    readings: dict[str, set[str]] = {}
    with path.open(encoding="utf-8") as handle:
        reader = csv.reader(handle)
        _, singular, plural, nominative_plural = _columns(next(reader))
        for row in reader:
            lemma, pos = row[0], set(row[1].split(","))
            lemmas.add(lemma)
            if "Toponym" not in pos or " " in lemma:
                continue

            plurals = _cells(row, nominative_plural)
            for form in _cells(row, singular):
                readings.setdefault(form, set()).add(lemma)
            for form in _cells(row, plural):
                readings.setdefault(form, set()).add(form if form in plurals else (plurals[0] if plurals else lemma))
    return {form: next(iter(found)) for form, found in readings.items()
            if len(found) == 1 and form not in lemmas and next(iter(found)) != form}


def adjective_stems(path: Path) -> set[str]:
    words = {line.strip() for line in path.read_text(encoding="utf-8", errors="replace").splitlines()}
    lower = {w for w in words if w and w == w.lower()}
    return {w[:-1] for w in lower if w.endswith("e") and len(w) > 3
            and all(w[:-1] + ending in lower for ending in ADJECTIVE_ENDINGS)}


def build(out: Path = OUT) -> Path:
    import german_nouns.config

    csv_path = Path(german_nouns.config.CSV_FILE_PATH)
    table = nouns(csv_path, MIN_ZIPF)
    places = toponyms(csv_path)
    stems = adjective_stems(NGERMAN)
    lines = [f"N\t{form}\t{nominative}\t{gender}" for form, (nominative, gender) in sorted(table.items())]
    lines += [f"T\t{form}\t{nominative}" for form, nominative in sorted(places.items())]
    lines += [f"A\t{stem}" for stem in sorted(stems)]
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9) as handle:
        handle.write(("\n".join(lines) + "\n").encode("utf-8"))
    out.write_bytes(buffer.getvalue())
    print(f"{out}: {len(table):,} noun forms, {len(places):,} place-name forms, {len(stems):,} adjective stems,"
          f" {out.stat().st_size:,} bytes")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", nargs="*", metavar="WORD", help="show what the built table says of these words")
    args = parser.parse_args()
    if args.check:
        sys.path.insert(0, str(ROOT))
        from searchkit.nominative import describe

        for word in args.check:
            print(word, describe(word))
        return
    build()


if __name__ == "__main__":
    main()
