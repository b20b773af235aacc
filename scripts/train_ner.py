#!/usr/bin/env python
"""Train the German NER tagger (CRF, python-crfsuite) that searchkit ships.

    python scripts/train_ner.py          # the shipped model (about 3 minutes on one core)
    python scripts/train_ner.py --tune   # first choose c1/c2 on a held-out fifth of train
    python scripts/train_ner.py --heldout --inner --log runs.jsonl   # score a variant on the
                                         # held-out fifth only (how variants are chosen)

Training data: GermEval 2014 ``NER-de-test.tsv`` (the official train split is not available
here) plus one mention-replacement copy of each sentence (``--augment``); optionally BIOES
labels (``--scheme bioes``), GermEval's -deriv/-part tags as labels (``--variants``), swapped
person and place names from the lexicon (``--lexicon-names``), GermEval's inner names for
mention replacement (``--inner``), sentence-context features (``--context``), other crfsuite
algorithms (``--algorithm``), Europeana Newspapers
(``--europeana``, CC0) or self-training on unlabeled news (``--self-train N``), none of which did
better on dev (docs/entities.md). ``NER-de-dev.tsv`` is never used for training or tuning: it is
scored once, after training.

Writes ``searchkit/entities/model.crfsuite`` and ``searchkit/entities/model.json`` (parameters,
data, scores). Needs the lexicons from ``scripts/build_gazetteers.py`` (shipped in the package).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pycrfsuite  # noqa: E402
from tqdm import tqdm  # noqa: E402

from searchkit.entities.corpus import (  # noqa: E402
    read_europeana,
    read_germeval,
    read_germeval_inner,
    to_bioes,
)
from searchkit.entities.features import Featurizer  # noqa: E402
from searchkit.entities.tagger import names_only  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
TRAIN = DATA / "germeval2014" / "NER-de-test.tsv"
DEV = DATA / "germeval2014" / "NER-de-dev.tsv"
EUROPEANA = sorted((DATA / "europeana-ner-de").glob("*.bio"))
MODEL = ROOT / "searchkit" / "entities" / "model.crfsuite"
SEED = 13
#: Chosen by ``--tune`` on the held-out fifth of the training file (see model.json).
DEFAULT_C1 = 0.02
DEFAULT_C2 = 0.2
#: Share of the replaced person and place names taken from the lexicon (``--lexicon-names``).
DEFAULT_LEXICON_SHARE = 0.0
GRID = [(0.0, 0.05), (0.05, 0.05), (0.1, 0.05), (0.2, 0.05), (0.05, 0.01), (0.05, 0.2),
        (0.1, 0.1)]


class ProgressTrainer(pycrfsuite.Trainer):
    """crfsuite trainer that advances a tqdm bar per L-BFGS iteration."""

    bar: tqdm | None = None

    def on_iteration(self, log, info):  # noqa: D102 - crfsuite callback
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(loss=f"{info.get('loss', 0):.0f}",
                                 feats=info.get("active_features", 0))

    # crfsuite's own log is silenced; pycrfsuite only calls these hooks with verbose=True
    def on_start(self, log):
        pass

    def on_featgen_progress(self, log, percent):
        pass

    def on_featgen_end(self, log):
        pass

    def on_prepared(self, log):
        pass

    def on_optimization_end(self, log):
        pass

    def on_end(self, log):
        pass


def featurize(featurizer: Featurizer, sentences, desc: str):
    return [
        (featurizer.sentence(tokens), tags)
        for tokens, tags in tqdm(sentences, desc=desc, unit="sent", leave=False)
    ]


ALGORITHM = "lbfgs"


def train(data, path: Path, *, c1: float, c2: float, max_iterations: int, desc: str) -> None:
    trainer = ProgressTrainer(algorithm=ALGORITHM, verbose=True)
    for xseq, yseq in data:
        trainer.append(xseq, yseq)
    params = {
        "max_iterations": max_iterations,
        "feature.possible_transitions": True,
        "feature.minfreq": 1,
    }
    if ALGORITHM == "lbfgs":
        params |= {"c1": c1, "c2": c2}
    elif ALGORITHM == "l2sgd":
        params |= {"c2": c2}
    trainer.set_params(params)
    with tqdm(total=max_iterations, desc=desc, unit="it") as bar:
        trainer.bar = bar
        trainer.train(str(path))


def score(path: Path, data) -> dict:
    """Strict span micro-F1 over PER/LOC/ORG (OTH and variants count as O)."""
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    gold, pred = [], []
    for xseq, yseq in data:
        gold.append([_facet(t) for t in names_only(yseq)])
        pred.append([_facet(t) for t in names_only(tagger.tag(xseq))])
    report = classification_report(gold, pred, mode="strict", scheme=IOB2, output_dict=True,
                                    zero_division=0)
    return {k: round(v["f1-score"], 4) for k, v in report.items() if k in
            ("PER", "LOC", "ORG", "micro avg")}


def _facet(tag: str) -> str:
    return tag if tag[2:] in ("PER", "LOC", "ORG") else "O"


def replace_mentions(sentences, copies: int, lexicon_share: float = 0.0, inner=None):
    """Mention replacement (Dai & Adel 2020): each sentence with names is copied ``copies``
    times with every PER/LOC/ORG span swapped for a random span of the same type seen in
    training, so that the model leans on context more than on memorised names. With
    ``lexicon_share`` > 0 that share of the person and place names comes from the lexicon
    instead (``lexicon_names``: a surname for a one-word person, first name + surname
    otherwise), so that the copies show many more names than the training file holds.

    ``inner`` (GermEval's second column, ``corpus.read_germeval_inner``, one tag list per
    sentence) adds the inner names to the pools and, for each sentence whose outer names hold
    inner ones ("[ORG Universität [LOC Hamburg]]"), one more copy with only the inner names
    swapped ("[ORG Universität Leipzig]"): the outer span keeps its type, so the model learns
    that "Universität" makes the organisation, whatever place follows."""
    from searchkit.entities.corpus import iter_spans

    lexicon = lexicon_names() if lexicon_share > 0 else {}

    pools: dict[str, list[list[str]]] = {}
    for tokens, tags in sentences:
        for start, end, kind in iter_spans(tags):
            if kind in ("PER", "LOC", "ORG"):
                pools.setdefault(kind, []).append(tokens[start:end])
    for (tokens, _), tags in zip(sentences, inner or []):
        for start, end, kind in iter_spans(tags):
            pools.setdefault(kind, []).append(tokens[start:end])
    rng = random.Random(SEED)
    out = []
    for tokens, tags in sentences:
        spans = [s for s in iter_spans(tags) if s[2] in pools]
        if not spans:
            continue
        for _ in range(copies):
            new_tokens, new_tags, pos = [], [], 0
            for start, end, kind in spans:
                new_tokens += tokens[pos:start]
                new_tags += tags[pos:start]
                if kind in lexicon and rng.random() < lexicon_share:
                    if kind == "LOC":
                        name = [rng.choice(lexicon["LOC"][0])]
                    elif end - start == 1:
                        name = [rng.choice(lexicon["PER"][1])]
                    else:
                        name = [rng.choice(lexicon["PER"][0]), rng.choice(lexicon["PER"][1])]
                else:
                    name = rng.choice(pools[kind])
                new_tokens += name
                new_tags += ["B-" + kind] + ["I-" + kind] * (len(name) - 1)
                pos = end
            new_tokens += tokens[pos:]
            new_tags += tags[pos:]
            out.append((new_tokens, new_tags))
    for (tokens, tags), inner_tags in zip(sentences, inner or []):
        swaps = [s for s in iter_spans(inner_tags) if s[2] in pools]
        if not swaps:
            continue
        new_tokens, new_tags, pos = [], [], 0
        for start, end, kind in swaps:
            new_tokens += tokens[pos:start]
            new_tags += tags[pos:start]
            name = rng.choice(pools[kind])
            outer = tags[start]
            new_tokens += name
            if outer == "O":
                new_tags += ["B-" + kind] + ["I-" + kind] * (len(name) - 1)
            else:  # inside an outer name: the outer label runs on
                new_tags += [outer] + ["I-" + outer[2:]] * (len(name) - 1)
            pos = end
        new_tokens += tokens[pos:]
        new_tags += tags[pos:]
        out.append((new_tokens, new_tags))
    return out


def lexicon_names() -> dict[str, tuple[list[str], ...]]:
    """Names of the shipped lexicon (``entities/data/lexicon.tsv.gz``) for mention replacement:
    places (GeoNames cities, countries, regions, toponyms) and first names and surnames, each a
    capitalized single word that is no common noun and has some use in German text (frequency
    class ≥ 1), sorted."""
    from searchkit.entities.features import load_lexicon

    places, first, last = [], [], []
    for word, value in sorted(load_lexicon().items()):
        flags = set(value[:-3])
        if (len(word) < 3 or not word.isalpha() or not word[0].isupper()
                or not word[1:].islower() or "N" in flags or int(value[-3]) < 1):
            continue
        place = bool(flags & set("YCRT"))
        if place and not flags & set("FLVS"):
            places.append(word)
        if not place and "F" in flags:
            first.append(word)
        if not place and flags & set("LS"):
            last.append(word)
    return {"LOC": (places,), "PER": (first, last)}


def unlabeled_sentences() -> list[list[str]]:
    """Sentences of the unlabeled German news in ../shared/data, tokenized as at run time."""
    import csv
    import json as _json

    from searchkit.entities.tokenize import clean_text, sentences, tokenize

    texts: list[str] = []
    zeitgeist = DATA / "zeitgeist" / "archive.jsonl"
    if zeitgeist.exists():
        with open(zeitgeist, encoding="utf-8") as handle:
            for line in handle:
                row = _json.loads(line)
                texts.append(str(row.get("content") or ""))
    gnad = DATA / "10kgnad" / "test.csv"
    if gnad.exists():
        with open(gnad, encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle, delimiter=";", quotechar="'"):
                if len(row) >= 2:
                    texts.append(row[1])
    out = []
    for text in texts:
        text = clean_text(text)
        for sentence in sentences(tokenize(text), text):
            words = [t.text for t in sentence]
            if 5 <= len(words) <= 60:
                out.append(words)
    return out


def select_confident(model: Path, featurizer: Featurizer, limit: int,
                     confidence: float) -> list:
    """Self-training data: unlabeled sentences the first model tags with high probability and at
    least one entity, in a seeded random order, at most ``limit``."""
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    pool = unlabeled_sentences()
    random.Random(SEED).shuffle(pool)
    chosen = []
    for words in tqdm(pool, desc="self-training", unit="sent"):
        xseq = featurizer.sentence(words)
        tags = tagger.tag(xseq)
        if not any(t[2:] in ("PER", "LOC", "ORG") for t in tags):
            continue
        if tagger.probability(tags) >= confidence:
            chosen.append((xseq, tags))
            if len(chosen) >= limit:
                break
    return chosen


def split_fifth(items: list) -> tuple[list, list]:
    """(held-out fifth, the rest) in a seeded order: the same split for every variant."""
    order = list(range(len(items)))
    random.Random(SEED).shuffle(order)
    cut = len(order) // 5
    return [items[i] for i in order[:cut]], [items[i] for i in order[cut:]]


def context_groups(args) -> list[str]:
    return [g for g in args.context.split(",") if g]


def prepare(args, featurizer: Featurizer, sentences, inner, desc: str = "features"):
    """Training data from labelled sentences: the mention-replacement copies (``--augment``,
    ``--lexicon-names``, ``--inner``), the label scheme, the features."""
    if args.augment:
        copies = replace_mentions(sentences, args.augment, args.lexicon_names, inner)
        print(f"mention replacement: {len(copies):,} augmented sentences")
        sentences = sentences + copies
    if args.scheme == "bioes":
        sentences = [(tokens, to_bioes(tags)) for tokens, tags in sentences]
    return featurize(featurizer, sentences, desc)


def split_heldout(args, featurizer: Featurizer, sentences, inner):
    """(training data from four fifths, featurized held-out fifth with its gold IOB2 tags):
    split by sentence before augmentation, so that no copy of a held-out sentence, nor a
    held-out name swapped into another sentence, is trained on."""
    held, rest = split_fifth(sentences)
    rest_inner = split_fifth(inner)[1] if inner is not None else None
    return (prepare(args, featurizer, rest, rest_inner),
            featurize(featurizer, held, "features (held-out fifth)"))


def heldout(args, sentences, inner) -> None:
    """Train on four fifths of the training file (augmented like the full model), score the
    held-out fifth, print and append the figures to ``--log`` if given."""
    featurizer = Featurizer(context=context_groups(args))
    data, held = split_heldout(args, featurizer, sentences, inner)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "heldout.crfsuite" if args.out == MODEL else args.out
        started = time.perf_counter()
        train(data, path, c1=args.c1, c2=args.c2, max_iterations=args.max_iterations,
              desc="train (four fifths)")
        seconds = round(time.perf_counter() - started, 1)
        result = score(path, held)
        size = path.stat().st_size
    info = {"argv": sys.argv[1:], "heldout_f1": result, "train_seconds": seconds,
            "size_bytes": size}
    print("held-out fifth strict F1:", json.dumps(result))
    if args.log:
        with open(args.log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(info) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", type=Path, default=TRAIN)
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--out", type=Path, default=MODEL)
    parser.add_argument("--tune", action="store_true",
                        help="choose c1/c2 on a held-out fifth of the training file first")
    parser.add_argument("--c1", type=float, default=DEFAULT_C1)
    parser.add_argument("--c2", type=float, default=DEFAULT_C2)
    parser.add_argument("--max-iterations", type=int, default=150)
    parser.add_argument("--tune-iterations", type=int, default=100)
    parser.add_argument("--europeana", type=int, nargs="?", const=-1, default=0, metavar="N",
                        help="add Europeana (CC0) data: all of it, or N sentences sampled (seeded)")
    parser.add_argument("--no-oth", action="store_true", help="train OTH as O")
    parser.add_argument("--self-train", type=int, default=0, metavar="N",
                        help="add N confidently tagged sentences of unlabeled news (zeitgeist, "
                             "10kGNAD) and train again")
    parser.add_argument("--algorithm", default="lbfgs", choices=["lbfgs", "ap", "pa", "arow", "l2sgd"],
                        help="crfsuite training algorithm")
    parser.add_argument("--augment", type=int, default=1, metavar="K",
                        help="add K copies of each training sentence with its names replaced by "
                             "other names of the same type from the training data")
    parser.add_argument("--lexicon-names", type=float, default=DEFAULT_LEXICON_SHARE,
                        metavar="SHARE",
                        help="share of the replaced person and place names drawn from the "
                             "lexicon instead of the training data")
    parser.add_argument("--scheme", default="iob2", choices=["iob2", "bioes"],
                        help="label encoding while training (BIOES: span ends are labels of "
                             "their own); the tagger reports IOB2 either way")
    parser.add_argument("--variants", action="store_true",
                        help="learn GermEval's -deriv/-part tags as labels of their own "
                             "(reported as O; scored lower, docs/entities.md)")
    parser.add_argument("--inner", action="store_true",
                        help="use GermEval's inner (second-column) names for mention replacement: "
                             "in the pools, and one more copy of each sentence with nested names "
                             "in which only the inner names are swapped")
    parser.add_argument("--heldout", action="store_true",
                        help="train on four fifths of the training file (seeded split by sentence, "
                             "before augmentation), score the held-out fifth and stop: the figure "
                             "that chooses between variants (dev is not read; the model goes to "
                             "--out only if given)")
    parser.add_argument("--context", default="", metavar="GROUPS",
                        help="comma-separated sentence-context feature groups of "
                             "features.CONTEXT_GROUPS (quote, cue, legal, conj, win3); recorded "
                             "in model.json, which the tagger reads")
    parser.add_argument("--log", type=Path, help="append the scores as one JSON line to this file")
    parser.add_argument("--confidence", type=float, default=0.95,
                        help="least sequence probability of a self-training sentence")
    args = parser.parse_args()
    random.seed(SEED)
    global ALGORITHM
    ALGORITHM = args.algorithm

    if not args.train.exists():
        sys.exit(f"{args.train} is missing (../shared/data/germeval2014)")
    started = time.perf_counter()
    keep_oth = not args.no_oth
    sentences = read_germeval(args.train, keep_oth=keep_oth, variants=args.variants)
    inner = read_germeval_inner(args.train) if args.inner else None
    if args.heldout:
        heldout(args, sentences, inner)
        return
    extra = []
    if args.europeana:
        for path in EUROPEANA:
            extra += read_europeana(path)
        if args.europeana > 0:
            extra = random.Random(SEED).sample(extra, min(args.europeana, len(extra)))
    print(f"train: {len(sentences):,} GermEval sentences, {len(extra):,} Europeana sentences")
    if args.scheme == "bioes":
        extra = [(tokens, to_bioes(tags)) for tokens, tags in extra]
    featurizer = Featurizer(context=context_groups(args))
    data = prepare(args, featurizer, sentences, inner)
    extra_data = featurize(featurizer, extra, "features (Europeana)") if extra else []

    c1, c2 = args.c1, args.c2
    tuning = []
    if args.tune:
        rest, held = split_heldout(args, featurizer, sentences, inner)
        rest += extra_data
        best = None
        with tempfile.TemporaryDirectory() as tmp:
            for g1, g2 in GRID:
                path = Path(tmp) / "tune.crfsuite"
                train(rest, path, c1=g1, c2=g2, max_iterations=args.tune_iterations,
                      desc=f"tune c1={g1} c2={g2}")
                result = score(path, held)
                tuning.append({"c1": g1, "c2": g2, **result})
                print(f"  held-out micro-F1 {result['micro avg']:.4f}  (c1={g1}, c2={g2})")
                if best is None or result["micro avg"] > best[0]:
                    best = (result["micro avg"], g1, g2)
        _, c1, c2 = best
        print(f"chosen: c1={c1} c2={c2}")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    train(data + extra_data, args.out, c1=c1, c2=c2, max_iterations=args.max_iterations,
          desc="train")
    self_trained = 0
    if args.self_train:
        confident = select_confident(args.out, featurizer, args.self_train, args.confidence)
        self_trained = len(confident)
        print(f"self-training: {self_trained:,} confidently tagged unlabeled sentences")
        train(data + extra_data + confident, args.out, c1=c1, c2=c2,
              max_iterations=args.max_iterations, desc="train (self-training)")
    info = {
        "train": [args.train.name] + ([p.name for p in EUROPEANA] if extra else []),
        "labels": "PER LOC ORG" + (" OTH" if keep_oth else "")
                  + (" +deriv/part" if args.variants else ""),
        "scheme": args.scheme,
        "algorithm": args.algorithm,
        "c1": c1,
        "c2": c2,
        "max_iterations": args.max_iterations,
        "augment": args.augment,
        "lexicon_names": args.lexicon_names if args.augment else 0,
        "inner": bool(args.augment and args.inner),
        "context": context_groups(args),
        "self_training_sentences": self_trained,
        "self_training_confidence": args.confidence if self_trained else None,
        "tuning_heldout_fifth_of_train": tuning,
        "size_bytes": args.out.stat().st_size,
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    if args.dev.exists():
        dev = featurize(featurizer, read_germeval(args.dev), "features (dev)")
        info["dev_f1"] = score(args.out, dev)
        print("dev strict F1:", json.dumps(info["dev_f1"]))
    (args.out.with_suffix(".json")).write_text(json.dumps(info, indent=2) + "\n")
    print(f"model: {args.out} ({info['size_bytes'] / 1e6:.1f} MB) in {info['train_seconds']} s")


if __name__ == "__main__":
    main()
