"""Build a second, independent German retrieval evaluation set: known-item search over news.

XQuAD-de asks Wikipedia questions; this set asks what a news reader types, derived from the
documents themselves in a fixed way, so that a ranking change can be checked on queries that
were never looked at while tuning:

zeitgeist     query = the headline (``title``) of an item, its one relevant document = the
              item's teaser (``content``) *without* the headline. Items are taken once per URL
              (the same story is gathered on several days) and once per teaser text; headlines
              that are only a kicker ("Stuttgart 21:", ending in a colon), have fewer than
              three words, or belong to several kept items are not used as queries. Live-ticker
              markers ("++") are dropped from the headline.
10kGNAD       query = the first sentence of an article (DER STANDARD's lead, which 10kGNAD runs
              into the text), its one relevant document = the article without that sentence.
              Articles whose first sentence has fewer than 6 or more than 50 words, or whose
              rest has fewer than 30 words, are not used as queries (they stay documents).

Quotation marks are dropped from every query: in a headline or lead they mark a quotation, in a
search box they would ask for that exact phrase. Every kept item and article is a document (id ``zg-<line>`` / ``gnad-<line>``, text only, no
title field); every one is a distractor for all the other queries. At most ``--per-source``
queries per source are drawn with a fixed seed (default 1,000 each), so the set is the same on
every machine.

    python scripts/make_title_eval.py --data ../shared/data     # → build/title-eval/ of the project
    searchkit eval retrieval --docs build/title-eval/docs.jsonl \
        --queries build/title-eval/queries.tsv --qrels build/title-eval/qrels.txt

The output is derived from licensed data (10kGNAD CC BY-NC-SA 4.0, zeitgeist publishers' text):
it lives under ``build/`` (git-ignored) and must never be committed or shipped.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
DEFAULT_OUT = ROOT / "build" / "title-eval"

GNAD = Path("10kgnad") / "test.csv"
ZEITGEIST = Path("zeitgeist") / "archive.jsonl"

#: The end of the first sentence: . ! ? (or a closing quote after one) before a capital letter
#: or an opening quote. Abbreviations such as "Dr. Müller" end a "sentence" too early; the
#: length bounds below drop most such cases.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"“”'‘’]?\s+(?=[A-ZÄÖÜ0-9„\"“])")
_TICKER = re.compile(r"\+\+")
_QUOTES = re.compile(r"[\"“”„]")
MIN_LEAD_WORDS, MAX_LEAD_WORDS, MIN_REST_WORDS = 6, 50, 30
MIN_TITLE_WORDS = 3


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _query(text: str) -> str:
    """A headline or lead as a query: one line, without quotation marks."""
    return _one_line(_QUOTES.sub(" ", text))


def zeitgeist(path: Path) -> tuple[list[dict[str, str]], list[tuple[str, str]]]:
    """Documents (teasers) and (headline, document id) candidates."""
    docs: list[dict[str, str]] = []
    titles: list[tuple[str, str]] = []
    seen_urls: set[str] = set()
    seen_texts: set[str] = set()
    with path.open(encoding="utf-8") as handle:
        for line, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            item = json.loads(raw)
            url = (item.get("url") or "").strip()
            text = _one_line(item.get("content") or "")
            if not text or (url and url in seen_urls) or text.casefold() in seen_texts:
                continue
            seen_urls.add(url)
            seen_texts.add(text.casefold())
            doc_id = f"zg-{line}"
            docs.append({"id": doc_id, "text": text})
            title = _query(_TICKER.sub(" ", item.get("title") or ""))
            if title and not title.endswith(":") and len(title.split()) >= MIN_TITLE_WORDS:
                titles.append((title, doc_id))
    # A headline shared by several kept items has no single answer.
    counts = Counter(t.casefold() for t, _ in titles)
    return docs, [(t, d) for t, d in titles if counts[t.casefold()] == 1]


def gnad(path: Path) -> tuple[list[dict[str, str]], list[tuple[str, str]]]:
    """Articles (without their first sentence where it is a query) and (lead, id) candidates."""
    from make_xquad_eval import gnad as gnad_articles  # the same reading and ids as the XQuAD set

    docs: list[dict[str, str]] = []
    leads: list[tuple[str, str]] = []
    for article in gnad_articles(path):
        text = _one_line(article["text"])
        doc_id = article["id"]
        parts = _SENTENCE_END.split(text, maxsplit=1)
        if len(parts) == 2:
            lead, rest = parts
            if MIN_LEAD_WORDS <= len(lead.split()) <= MAX_LEAD_WORDS and len(rest.split()) >= MIN_REST_WORDS:
                docs.append({"id": doc_id, "text": rest})
                leads.append((_query(lead), doc_id))
                continue
        docs.append({"id": doc_id, "text": text})
    return docs, leads


def build(data: Path, out: Path, per_source: int, seed: int) -> dict[str, int]:
    for relative in (GNAD, ZEITGEIST):
        if not (data / relative).exists():
            raise SystemExit(f"error: {data / relative} not found (give the shared data folder with --data)")
    zg_docs, zg_queries = zeitgeist(data / ZEITGEIST)
    gn_docs, gn_queries = gnad(data / GNAD)
    rng = random.Random(seed)
    chosen: list[tuple[str, str, str]] = []
    for prefix, candidates in (("zg", zg_queries), ("gnad", gn_queries)):
        picked = sorted(rng.sample(range(len(candidates)), min(per_source, len(candidates))))
        chosen += [(f"{prefix}-q{n}", *candidates[n]) for n in picked]
    from searchkit.evaluate.retrieval import write_eval_set

    write_eval_set(
        out, [*zg_docs, *gn_docs], chosen,
        "Derived from ../shared/data (10kGNAD CC BY-NC-SA 4.0, zeitgeist publishers' text) by"
        " scripts/make_title_eval.py. Do not commit or redistribute.",
    )
    return {
        "documents": len(zg_docs) + len(gn_docs),
        "headline_queries": sum(q.startswith("zg-") for q, _, _ in chosen),
        "lead_queries": sum(q.startswith("gnad-") for q, _, _ in chosen),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"shared data folder (default: {DEFAULT_DATA})")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT,
        help=f"output folder (default: {DEFAULT_OUT}, build/title-eval/ of the project folder, from any current folder)",
    )
    parser.add_argument("--per-source", type=int, default=1000, help="queries drawn per source (default: 1000)")
    parser.add_argument("--seed", type=int, default=4, help="seed of the query sample (default: 4)")
    args = parser.parse_args(argv)
    counts = build(args.data, args.out, args.per_source, args.seed)
    print(
        f"{counts['documents']} documents, {counts['headline_queries']} headline and"
        f" {counts['lead_queries']} lead queries → {args.out}/{{docs.jsonl,queries.tsv,qrels.txt}}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
