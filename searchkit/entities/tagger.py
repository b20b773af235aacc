"""The shipped CRF tagger: loaded on first use, once per process, safe to share between threads.

``get_tagger()`` reads ``model.crfsuite`` and the lexicons (about a second) the first time it is
called and returns the same object afterwards. crfsuite's tagger object keeps per-call state, so
every thread gets its own handle on the (shared, read-only) model file.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path

from .features import Featurizer

MODEL_PATH = Path(__file__).resolve().parent / "model.crfsuite"
#: Environment variable that points at another model file (experiments, retrained models).
MODEL_ENV = "SEARCHKIT_NER_MODEL"


#: Labels the tagger reports; the model's other labels (GermEval's ``-deriv``/``-part`` variants,
#: "deutschen", "EU-Kommission", learnt to keep them apart from names) are reported as ``O``.
NAME_TYPES = frozenset(("PER", "LOC", "ORG", "OTH"))


def names_only(tags: Sequence[str]) -> list[str]:
    """Model labels → IOB2 name tags: ``B-LOCderiv`` … → ``O``; BIOES ``S-``/``E-`` →
    ``B-``/``I-``."""
    return [
        "O" if tag[2:] not in NAME_TYPES
        else "B-" + tag[2:] if tag[0] == "S" else "I-" + tag[2:] if tag[0] == "E" else tag
        for tag in tags
    ]


def model_features(model_path: Path | str) -> dict:
    """The optional feature groups a model was trained with, as ``Featurizer`` arguments
    (``context`` in the ``model.json`` next to it; none without it)."""
    info = Path(model_path).with_suffix(".json")
    if not info.is_file():
        return {}
    import json

    data = json.loads(info.read_text(encoding="utf-8"))
    return {"context": list(data.get("context", []))}


class CrfTagger:
    """Sequence labeller: tokens → IOB2 tags (B-PER, I-LOC, …, O)."""

    def __init__(self, model_path: Path | str | None = None,
                 featurizer: Featurizer | None = None) -> None:
        import pycrfsuite  # noqa: F401 - fail here, not in a worker thread

        self.model_path = str(model_path or os.environ.get(MODEL_ENV) or MODEL_PATH)
        if not Path(self.model_path).is_file():
            raise FileNotFoundError(
                f"NER model {self.model_path} is missing: run scripts/train_ner.py"
            )
        self.featurizer = featurizer or Featurizer(**model_features(self.model_path))
        self._local = threading.local()
        self._handle()  # open once now, so that a broken file fails at load time

    def _handle(self):
        tagger = getattr(self._local, "tagger", None)
        if tagger is None:
            import pycrfsuite

            tagger = pycrfsuite.Tagger()
            tagger.open(self.model_path)
            self._local.tagger = tagger
        return tagger

    def tag(self, words: Sequence[str]) -> list[str]:
        if not words:
            return []
        return names_only(self._handle().tag(self.featurizer.sentence(words)))

    def tag_marginals(self, words: Sequence[str]) -> tuple[list[str], list[float]]:
        """Tags plus the marginal probability of each chosen tag (confidence)."""
        if not words:
            return [], []
        handle = self._handle()
        tags = list(handle.tag(self.featurizer.sentence(words)))
        probs = [handle.marginal(tag, i) for i, tag in enumerate(tags)]
        return names_only(tags), probs


_TAGGER: CrfTagger | None = None
_LOCK = threading.Lock()


def get_tagger() -> CrfTagger:
    """The process-wide tagger, loaded on first call (thread-safe)."""
    global _TAGGER
    if _TAGGER is None:
        with _LOCK:
            if _TAGGER is None:
                _TAGGER = CrfTagger()
    return _TAGGER


def is_loaded() -> bool:
    """True once the model has been loaded in this process."""
    return _TAGGER is not None
