"""Deciding what a candidate span is, from the cues of the genre.

`CueTyper` holds the cue vocabularies read from `data/lexicon/` and answers one
question per span: which classes does it have, or is it no entity at all? Strong
cues decide first (known names, legal forms, head nouns, titles, cue nouns before
names); what only the statistical model suggests is a weak guess (`weak_class`)
that cues elsewhere in the article or corpus may overrule.
"""

from __future__ import annotations

import re

from spacy.tokens import Span

from kg.lexicon import Lexicon
from kg.nlp.labels import REF

_NAME_RE = r"^(?:[A-ZÄÖÜ0-9]|[a-zäöüß]+[A-Z0-9])"
_ACRONYM = re.compile(r"^[A-ZÄÖÜ][A-Za-z0-9ÄÖÜ&.\-]*[A-Z0-9]$|^[A-Z]{2,}$")
_UNKNOWN_NUMBER = "XNUMX"


def strip_legal(low: str, forms: set[str]) -> str:
    """A lower-cased name without its legal form ('medi-log gmbh' -> 'medi-log').

    The longest form that ends the name after a space wins ('gmbh & co. kg'
    before 'kg'). Forms are looked up word suffix by word suffix, longest
    first, rather than sorting the forms on every call: this runs for every
    candidate span of every article.
    """
    words = low.split(" ")
    for cut in range(1, len(words)):
        if " ".join(words[cut:]) in forms:
            return " ".join(words[:cut]).strip()
    return low


class CueTyper:
    """The cue vocabularies, and the decisions they support."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lex = lexicon
        self.legal_forms = {f.lower() for f in lexicon.words("legal_forms")}
        self.nonprofit = {f.lower() for f in lexicon.words("nonprofit_forms")}
        self.titles = {t.lower() for t in lexicon.words("person_titles")}
        self.roles = {r.lower() for r in lexicon.words("role_words")}
        self.role_tokens = {w for r in self.roles for w in r.split()} - {"of", "the", "and"}
        self.nationalities = {n.lower() for n in lexicon.words("nationalities")}
        self.generic = {w.lower() for w in lexicon.words("generic_name_words")}
        self.institution_prefixes = {w.lower() for w in lexicon.words("institution_prefixes")}
        self.product_cues = {w.lower() for w in lexicon.words("product_cues")}
        self.produce_verbs = {w.lower() for w in lexicon.words("produce_verbs")}
        self.instruments = {w.lower() for w in lexicon.words("legal_instruments")}
        self.anaphors = lexicon.mapping("anaphors")
        self.stop_names = {s.lower() for s in lexicon.words("stop_names")}
        self.known: dict[str, tuple[str, ...]] = {}
        self.known_exact: dict[str, tuple[str, ...]] = {}
        for known in lexicon.all_known():
            for form in (known.name, *known.aliases):
                if self.exact_form(form):
                    self.known_exact[form] = known.classes
                else:
                    self.known[form.lower()] = known.classes

    @staticmethod
    def exact_form(form: str) -> bool:
        """Short capitalised acronyms match only as written: 'US' is a country, 'us' is not."""
        return len(form) <= 4 and form.isupper()

    def anaphor_class(self, text: str) -> str:
        return anaphor_class(text, self.anaphors)

    def classify(self, span: Span, hints: set[str]) -> tuple[str, ...]:
        """Decide the classes of a span, strongest cue first; () drops the span."""
        text = span.text
        low = text.lower()
        if _UNKNOWN_NUMBER in text or low in self.stop_names or not any(c.isalpha() for c in text):
            return ()
        if REF in hints and span[0].lower_ in {"the", "this", "our"}:
            return (REF,) if anaphor_class(span.text, self.anaphors) else ()
        if low in self.roles or (low.split(" ", 1)[-1] in self.roles and len(span) <= 3):
            return ()
        known = (
            self.known_exact.get(text)
            or self.known.get(low)
            or self.known.get(strip_legal(low, self.legal_forms))
        )
        if known:
            return known
        for prefix in ("QUOTED_", "CUE_", "LIST_"):
            cue = sorted(h for h in hints if h.startswith(prefix))
            if cue:
                return (cue[0].split("_", 1)[1],)
        if "CITY" in hints:
            return ("Institution",)
        if "LEGAL" in hints or strip_legal(low, self.legal_forms) != low:
            nonprofit = any(low.endswith(" " + f) for f in self.nonprofit)
            return ("Cluster", "Institution") if nonprofit else ("Company",)
        if "PRODUCT" in hints or text.endswith(("®", "™")):
            return ("Product",)
        if "PERSON" in hints and any(t.lower_ in self.titles for t in span):
            return ("Person",)
        names = [t for t in span if t.is_alpha or "-" in t.text]
        if self._person_context(span) and 2 <= len(names) <= 4 and all(t.is_title for t in names):
            return ("Person",)
        if (
            2 <= len(names) <= 4
            and names[0].lower_ in self.lex.first_names
            and all(t.is_title for t in names)
            and not self.head_class(span)
        ):
            return ("Person",)
        if "LOWER_CLUSTER" in hints:
            return ("Cluster",)
        head_cls = self.head_class(span)
        if head_cls and not (len(span) == 1 and span[0].lower_ in self.lex.heads):
            return head_cls  # a lone 'Institute' or 'Partners' is a common noun
        return ()

    def _in_job_title(self, span: Span) -> bool:
        """'Mayor for Economy, Labor and Digital Affairs': the portfolio of a title, not a name."""
        doc = span.doc
        i = span.start - 1
        while (
            i > 0
            and span.start - i < 10
            and (doc[i].is_title or doc[i].text in {",", "and", "&"} or doc[i].is_space)
        ):
            if doc[i].lower_ in {"for", "of"}:
                break
            i -= 1
        return i > 0 and doc[i].lower_ in {"for", "of"} and doc[i - 1].lower_ in self.role_tokens

    def weak_class(self, span: Span, hints: set[str]) -> tuple[str, ...]:
        """Fall back on the model's label where no cue speaks; later cues may overrule it."""
        text = span.text
        if span[-1].lower_ in self.instruments:
            return ()  # 'In Vitro Diagnostics Regulation': a law, not an organisation
        if self._in_job_title(span):
            return ()
        words = [t.lower_ for t in span if t.is_alpha]
        if not any(c.isupper() for c in text):
            return ()  # 'us', 'cell therapies': names are written with capitals
        doc = span.doc
        if (
            span.start >= 2
            and span.end < len(doc)
            and doc[span.start - 1].text == "("
            and doc[span.end].text == ")"
            and self.known.get(doc[span.start - 2].lower_)
        ):
            return ()  # 'Halle (Saale)': the river qualifies the town
        if (
            span.end + 2 < len(doc)
            and doc[span.end].text == "("
            and doc[span.end + 2].text == ")"
            and self.known.get(doc[span.end + 1].lower_) == ("Place",)
            and hints & {"GPE", "LOC", "ORG", "PERSON"}
        ):
            return ("Place",)  # 'Fleurus (Belgium)': a town qualified by its country
        rest = [w for w in words if self.known.get(w) != ("Place",)]
        if (
            len(rest) < len(words)
            and rest
            and all(
                w in self.generic or w in self.stop_names or w in self.role_tokens for w in rest
            )
        ):
            return ()  # 'Leipzig AI', 'Dresden Biotech': a place and a word, not a name
        if (
            _UNKNOWN_NUMBER in text
            or not words
            or all(
                w in self.generic
                or w in self.lex.heads
                or w in self.nationalities
                or w in self.role_tokens
                for w in words
            )
        ):
            return ()
        if "PERSON" in hints:
            # The model's PERSON needs support: 'Kryolith Biobank' has a name's shape too.
            names = [t for t in span if t.is_alpha]
            shaped = len(names) >= 2 and all(t.is_title for t in names)
            supported = names and (
                names[0].lower_ in self.lex.first_names or self._person_context(span)
            )
            return ("Person",) if shaped and supported else ()
        if hints & {"GPE", "LOC"}:
            return ("Place",)
        if "QUOTED" in hints and self._product_context(span):
            return ("Product",)
        if (
            "QUOTED" in hints
            and all(
                t.is_title
                or t.is_upper
                or t.lower_ in {"and", "for", "of", "the", "in", "-"}
                or re.match(_NAME_RE, t.text)
                for t in span
                if not t.is_punct
            )
            and not span[0].is_stop
        ):
            return ("Project",)
        if hints & {"ORG", "FAC", "PRODUCT"}:
            if len(span) == 1 and _ACRONYM.match(text) and len(text) <= 3:
                return ()
            return ("Product",) if "PRODUCT" in hints else ("Company",)
        return ()

    def dropped(self, span: Span) -> bool:
        """Never an entity: unknown numbers, listed non-names, role titles."""
        low = span.text.lower()
        return (
            _UNKNOWN_NUMBER in span.text
            or low in self.stop_names
            or low in self.roles
            or not any(c.isalpha() for c in low)
        )

    def _product_context(self, span: Span) -> bool:
        """'offers with "X" a rapid test', '"X" multiplex assays': a quoted product name."""
        doc = span.doc
        after = doc[span.end : min(len(doc), span.end + 5)]
        before = doc[max(0, span.start - 4) : span.start]
        return any(t.lemma_.lower() in self.product_cues for t in after if not t.is_punct) or any(
            t.lemma_.lower() in self.produce_verbs for t in before
        )

    def _person_context(self, span: Span) -> bool:
        """'X, CEO of Y' and 'CEO X': a role word next to a name makes it a person."""
        doc = span.doc
        after = doc[span.end + 1] if span.end + 1 < len(doc) else None
        before = doc[span.start - 1] if span.start > 0 else None
        return bool(
            (after is not None and doc[span.end].text == "," and after.lower_ in self.role_tokens)
            or (
                before is not None
                and before.lower_ in self.role_tokens
                and before.is_alpha
                and before.lower_ not in {"partner", "partners", "head"}
            )
        )

    def head_class(self, span: Span) -> tuple[str, ...]:
        if span[0].lower_ in self.institution_prefixes and len(span) >= 2:
            return ("Institution",)  # 'Max Planck ...', 'Leibniz ...', 'Helmholtz ...'
        return self._head_noun_class(span)

    def _head_noun_class(self, span: Span) -> tuple[str, ...]:
        """Class from the head noun: the last title-case word before a for/of complement."""
        words = [t.lower_ for t in span]
        cut = next(
            (i for i, w in enumerate(words) if w in {"for", "of", "für"} and i > 0), len(words)
        )
        head_words = words[:cut]
        two = " ".join(head_words[-2:])
        if two in self.lex.heads:
            return (self.lex.heads[two],)
        for w in reversed(head_words):
            if w in self.lex.heads:
                cls = self.lex.heads[w]
                if cls == "Funder":
                    return (
                        ("Funder", "Institution")
                        if w in {"bank", "foundation", "stiftung"}
                        else ("Funder",)
                    )
                return (cls,)
        return ()


def anaphor_class(text: str, anaphors: dict[str, str]) -> str:
    """Class an anaphor refers to, by its head noun: 'the new EU project' -> Project."""
    words = text.lower().split()
    for n in (2, 1):
        phrase = " ".join(words[-n:])
        if len(words) > n and phrase in anaphors:
            return anaphors[phrase]
    return ""
