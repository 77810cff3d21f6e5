"""Which language an article is written in, offline, so `kg` reads only what its pipeline can.

The English pipeline run on a German page does not fail: it finds
"ein Zentrum" as an institution. So every article's language is checked before
extraction, and an article in another language than the pipeline's is
skipped with a line in the summary.

Two steps, for speed and for robustness on this corpus:

* Fast path: English prose is full of function words ("the", "of", "and", ...).
  When at least 15% of an article's lower-case words are among the
  commonest English ones (`english-function-words.txt` beside this module), it is
  English; no detector is loaded. Measured on the real-dev and seed articles:
  0.167 (a 24-word teaser) to 0.45 for English, 0.0 for a German paragraph.
* Otherwise py3langid decides (a maintained fork of langid.py, BSD-3-Clause,
  its model shipped inside the wheel: nothing is downloaded). It loads in
  about 0.8 s, so only builds that meet such an article pay for it.

Both read only the lower-case words: the articles are English translations of
German pages, full of German names ("Sächsische Aufbaubank", "Zentrum für
..."), which pull a detector reading the whole text towards German
("The Leipzig Zentrum für Biotechnologie receives funding ..." comes out
German, 0.68). Names are capitalised; the grammar around them is not.

A text too short to judge (fewer than `MIN_WORDS` lower-case words: a short
teaser, a list of names) is read, not skipped: skipping it would lose
articles on a guess.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

#: Fewer lower-case words than this and the language is not judged.
MIN_WORDS = 20
#: Share of English function words above which a text is English without asking the detector.
ENGLISH_SHARE = 0.15
#: The detector must be at least this sure of another language to skip an article.
MIN_CONFIDENCE = 0.9
_STRIP = ".,;:!?()[]{}\"'\u00ab\u00bb\u201e\u201c\u201d\u2018\u2019"
#: This module's package, where the word list ships (read through importlib.resources).
_PACKAGE = __name__.rpartition(".")[0]


@dataclass(frozen=True)
class Verdict:
    """An article's language (ISO 639-1 code, or None when too short to tell)."""

    language: str | None
    confidence: float


@dataclass
class LanguageCheck:
    """Tells whether texts are in `expected` language; the detector is loaded on first need."""

    expected: str
    function_words: frozenset[str]
    _identifier: Any = field(default=None, repr=False)

    @classmethod
    def for_pipeline(cls, model: str | None) -> LanguageCheck:
        """The check for the pipeline `model` (None: the default English one)."""
        words = resources.files(_PACKAGE).joinpath("english-function-words.txt")
        return cls(pipeline_language(model), parse_word_list(words.read_text(encoding="utf-8")))

    def verdict(self, text: str) -> Verdict:
        words = [w.strip(_STRIP).lower() for w in text.split() if w[:1].islower()]
        words = [w for w in words if w]
        if len(words) < MIN_WORDS:
            return Verdict(None, 0.0)
        if self.expected == "en":
            share = sum(w in self.function_words for w in words) / len(words)
            if share >= ENGLISH_SHARE:
                return Verdict("en", share)
        language, confidence = self._detector().classify(" ".join(words))
        return Verdict(str(language), float(confidence))

    def foreign(self, text: str) -> str | None:
        """The text's language code when it is surely not `expected`; None to read it."""
        verdict = self.verdict(text)
        if verdict.language in (None, self.expected) or verdict.confidence < MIN_CONFIDENCE:
            return None
        return verdict.language

    def _detector(self) -> Any:
        if self._identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return self._identifier


def language_name(code: str) -> str:
    """ "German" for "de"; the code itself when Babel does not know it."""
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(code).english_name or code)
    except (UnknownLocaleError, ValueError, TypeError):
        return code


def pipeline_language(model: str | None) -> str:
    """The language of the spaCy pipeline `model` (its meta.json), without importing spaCy.

    The default pipelines are English. A package without a readable meta.json
    falls back to spaCy's naming convention ("de_core_news_sm" is German).
    """
    if not model:
        return "en"
    try:
        spec = importlib.util.find_spec(model)
    except (ImportError, ValueError):
        spec = None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        try:
            meta = json.loads((Path(folder) / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(meta, dict) and isinstance(meta.get("lang"), str):
            return str(meta["lang"])
    prefix = model.split("_", 1)[0]
    return prefix if 2 <= len(prefix) <= 3 and prefix.isalpha() else "en"


def parse_word_list(text: str) -> frozenset[str]:
    """One word per line; '#' starts a comment."""
    words = set()
    for line in text.splitlines():
        word = line.split("#", 1)[0].strip().lower()
        if word:
            words.add(word)
    return frozenset(words)
