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
#: A date written with digits ('25/11/2019', '03.03.2021'): press-release furniture, no name.
_DATE = re.compile(r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}")
#: A model designation: letters, then digits ('EBR-500', 'PTX201').
_MODEL_CODE = re.compile(r"^[A-Z]{2,6}-\d{2,5}$").match
#: Finite verbs: a span holding one is a clause fragment ('X says'), not a name.
_FINITE = {"VBZ", "VBD", "VBP", "MD"}
#: German joining words inside names, which the English tagger may call verbs.
_JOINERS = {"und", "für", "der", "die", "das", "zu", "zur", "im", "am"}
#: Head nouns of a government ('Free State of X', 'State of X'): an institution that funds.
_GOVERNMENT_HEADS = {"free state", "federal state", "government"}
#: Heads whose field adjective is the name itself: 'Medical Faculty' is one faculty's name.
_FIELD_NAMED = {"faculty", "fakultät"}
#: Endings of English adjectives the tagger calls proper nouns when capitalised ('Analytical').
_ADJECTIVE_ENDINGS = ("al", "ic", "ive", "ary", "ous", "ied", "ental")
#: 'in the X', 'into the X': a one-word name after these is a building or site.
_PLACE_PREPOSITIONS = {"in", "into", "at", "on", "inside"}
#: The model's labels for names (as opposed to dates, numbers, events).
_MODEL_NAME_LABELS = {"ORG", "FAC", "PRODUCT", "GPE", "LOC", "NORP", "WORK_OF_ART", "CAMEL"}
#: Words allowed between a name's comma and the head noun of its apposition.
_APPOSITION_FILL = {"ADJ", "PROPN", "NOUN", "NUM", "PUNCT", "DET", "ADV"}


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
        self.product_nouns = {w.lower() for w in lexicon.words("product_nouns")}
        self.produce_verbs = {w.lower() for w in lexicon.words("produce_verbs")}
        self.instruments = {w.lower() for w in lexicon.words("legal_instruments")}
        self.anaphors = lexicon.mapping("anaphors")
        self.stop_names = {s.lower() for s in lexicon.words("stop_names")}
        self.street_suffixes = {s.lower() for s in lexicon.words("street_suffixes")}
        self.speech_verbs = {s.lower() for s in lexicon.words("speech_verbs")}
        self.place_heads = {s.lower() for s in lexicon.words("place_heads")}
        self.disciplines = {s.lower() for s in lexicon.words("disciplines")}
        self.compound_heads = lexicon.mapping("compound_heads")
        self.building_words = {s.lower() for s in lexicon.words("building_words")}
        self.unit_heads = {s.lower() for s in lexicon.words("unit_heads")}
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

    def junk(self, span: Span) -> bool:
        """Shapes no name has, whatever cue found the span.

        Structural, not a list of instances: a finite verb inside ('X says'), a
        written date (a dateline), a street ('...straße'), a legal form or a
        suspended compound ('Metabolismus-') on its own, a plural head noun
        ('Leibniz Institutes' names a kind, not one body).
        """
        text = span.text
        if self.modifies_plural(span):
            return True  # even a known short name: 'five Orlen, Kestrel and Tern Institutes'
        if self.known_exact.get(text) or self.known.get(text.lower()):
            return False
        if _DATE.search(text) or text.endswith("-") or span[0].text.endswith("-"):
            return True  # 'Metabolismus-', 'Human- and Environment-Centered ...': cut compounds
        if self.portfolio(span):
            return True
        if any(t.tag_ in _FINITE and t.is_lower and t.lower_ not in _JOINERS for t in span):
            return True
        last = span[-1].lower_
        if last.endswith(tuple(self.street_suffixes)) or (
            len(span) > 1
            and span[-2].lower_.endswith(tuple(self.street_suffixes))
            and span[-1].like_num
        ):
            return True
        low = text.lower()
        if low in self.legal_forms or not strip_legal(low, self.legal_forms).strip(" &,"):
            return True
        if low in self.institution_prefixes:
            return True  # a lone family name of research institutes: the family, not a body
        if self.not_a_name_shape(span):
            return True
        if len(span) == 1:
            return last in self.lex.heads or last in self.place_heads  # a lone common noun
        head = self._head_word(span)
        if head not in self.lex.heads and self._singular(head) in self.lex.heads:
            return True  # 'Leibniz Institutes', 'Clusters of Excellence': a kind, not one body
        return self.descriptive(span)

    def portfolio(self, span: Span) -> bool:
        """'Managing Director Pharma and Life Sciences at X': the remit of a job title.

        Generic words (field, sector, head nouns) after a capitalised role word,
        inside the span or right before it, say what a job covers, not who or
        which body; a name has at least one word of its own.
        """
        doc = span.doc
        words = [t for t in span if not t.is_punct]
        lead = 0
        while lead < len(words) and words[lead].is_title and words[lead].lower_ in self.role_tokens:
            lead += 1
        rest = words[lead:]
        before = doc[span.start - 1] if span.start > 0 else None
        # the role ends in a whole role word ('Director'), not a modifier ('Federal')
        after_role = (lead > 0 and words[lead - 1].lower_ in self.roles) or (
            before is not None and before.is_title and before.lower_ in self.roles
        )
        return (
            after_role
            and bool(rest)
            and all(
                t.lower_ in self.generic or t.lower_ in self.lex.heads or t.lower_ in {"and", "&"}
                for t in rest
            )
        )

    def not_a_name_shape(self, span: Span) -> bool:
        """Shapes of words that are no body's name, whichever cue proposed them.

        A field of study alone ('Analytical Chemistry', 'Toxicology': a team's or
        chair's subject), a numbered building ('Building B', 'Hall 3'), a
        participle opening a slogan ('Made in Elbtal'), or a name cut after
        'of' before a lower-case noun ('Premier League of European ...').
        """
        words = [t for t in span if not t.is_punct]
        if not words:
            return False
        if (
            not span.label_.startswith(("CUE_", "QUOTED"))
            and words[-1].lower_ in self.disciplines
            and all(
                t.lower_ in self.disciplines
                or t.lower_ in {"and", "&"}
                or t.pos_ == "ADJ"
                or t.lower_.endswith(_ADJECTIVE_ENDINGS)
                for t in words
            )
        ):
            return True
        if (
            len(words) == 2
            and words[0].lower_ in self.building_words
            and (words[1].like_num or (len(words[1].text) == 1 and words[1].is_upper))
        ):
            return True
        if span[0].tag_ == "VBN" and span[0].is_title and len(span) > 1 and span[1].lower_ == "in":
            return True
        return (
            len(span) >= 3
            and span[-2].lower_ == "of"
            and span[-1].lower_ in self.nationalities
            and span.end < len(span.doc)
            and span.doc[span.end].is_lower
        )

    def modifies_plural(self, span: Span) -> bool:
        """'Elbtal Research' of 'Elbtal Research Units', 'Orlen' of 'Orlen, Tamsel and
        Kestrel Institutes': the words name a kind of body in the plural, not one body."""
        doc = span.doc
        heads = self.lex.heads
        for tok in doc[span.end : min(len(doc), span.end + 8)]:
            low = tok.lower_
            if not (tok.is_title or low in {",", "and", "or", "&"}) or low in heads:
                return False  # the sentence goes on, or a name with its own head noun
            word = self._singular(low)
            if tok.is_title and word != low and (word in heads or word in self.unit_heads):
                return True
        return False

    def _head_word(self, span: Span) -> str:
        """The last word before a for/of complement ('Clusters' in 'Clusters of Excellence')."""
        words = [t.lower_ for t in span]
        cut = next(
            (i for i, w in enumerate(words) if w in {"for", "of", "für"} and i > 0), len(words)
        )
        return words[cut - 1]

    def descriptive(self, span: Span) -> bool:
        """'the University Hospital', 'Technical University', 'new institute': a description.

        Every word is a head noun or a plain adjective, so the phrase says what
        kind of body is meant, not which; the article names it elsewhere. A
        nationality ('European Commission'), a government head ('Free State'), a
        head named by its field ('Medical Faculty') or a known name makes it a name.
        """
        words = [t for t in span if t.is_alpha]
        if not words or len(words) > 4 or span.text.lower() in self.known:
            return False
        if not any(t.lower_ in self.lex.heads for t in words):
            return False
        if any(
            t.lower_ in _GOVERNMENT_HEADS
            or t.lower_ in self.nationalities
            or t.lower_ in _FIELD_NAMED
            for t in words
        ):
            return False  # 'Medical Faculty': a faculty is named by its field
        return all(
            t.lower_ in self.lex.heads or t.is_lower or (t.pos_ == "ADJ" and t.tag_ == "JJ")
            for t in words
        )

    @staticmethod
    def _singular(word: str) -> str:
        if word.endswith("ies"):
            return word[:-3] + "y"
        if word.endswith(("ches", "shes", "sses")):
            return word[:-2]
        return word[:-1] if word.endswith("s") and not word.endswith("ss") else word

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
        doc = span.doc
        if (
            span.start > 0
            and span.end < len(doc)
            and doc[span.start - 1].lower_ == "a"
            and doc[span.end].lower_ == "company"
        ):
            return ("Company",)  # 'Y - A Kestrel Company'
        for prefix in ("QUOTED_", "CUE_", "LIST_"):
            cue = sorted(h for h in hints if h.startswith(prefix))
            if cue:
                return (cue[0].split("_", 1)[1],)
        if "CITY" in hints:
            return ("Institution",)
        if "LISTED_PLACE" in hints:
            return ("Place",)  # listed among places (`spans.listed_places`)
        if "LEGAL" in hints or strip_legal(low, self.legal_forms) != low:
            nonprofit = any(low.endswith(" " + f) for f in self.nonprofit)
            return ("Cluster", "Institution") if nonprofit else ("Company",)
        if "MARK" in hints or text.endswith(("®", "™")):
            return ("Product",)
        if hints & {"PRODUCT", "PERSON", "ORG"} and _MODEL_CODE(text):
            return ("Product",)  # 'EBR-500': letters and a number, the shape of a model name
        if "PERSON" in hints and any(t.lower_ in self.titles for t in span):
            return ("Person",)
        if (
            "ROLE_NAME" in hints
            and 2 <= len(span) <= 3
            and all(t.is_title and t.is_alpha and t.tag_ == "NNP" for t in span)
            and not self.head_class(span)
            and not any(self.known.get(t.lower_) for t in span)
        ):
            return ("Person",)  # 'Secretary General Heide X': a role word before a name
        names = [t for t in span if t.is_alpha or "-" in t.text]
        if (
            self._person_context(span)
            and 2 <= len(names) <= 4
            and all(t.is_title for t in names)
            and not self.head_class(span)
        ):
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
        if hints & _MODEL_NAME_LABELS:
            # 'the accelerator X', 'X, a research institute': the article says what a
            # name the model found is; that is a cue, and it outvotes the model's guess
            # at other mentions of the same name.
            return self.context_class(span)
        return ()

    def in_job_title(self, span: Span) -> bool:
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
        if self.in_job_title(span):
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
        names = [t for t in span if t.is_alpha]
        if (
            hints & {"PERSON", "WORK_OF_ART", "ORG"}
            and 2 <= len(names) <= 3
            and len(names) == len(span)
            and all(t.is_title for t in names)
            and not self.head_class(span)
            and self.speaker(span)
        ):
            return ("Person",)  # '..., Talvi X says': whoever is quoted is a person
        context = self.context_class(span)
        if context and hints & {"ORG", "FAC", "PRODUCT", "GPE", "LOC", "NORP", "WORK_OF_ART"}:
            return context
        if "PERSON" in hints:
            # The model's PERSON needs support: 'Kryolith Biobank' has a name's shape too.
            names = [t for t in span if t.is_alpha]
            shaped = len(names) >= 2 and all(t.is_title for t in names)
            supported = names and (
                names[0].lower_ in self.lex.first_names
                or self._person_context(span)
                or self.speaker(span)
                or self._listed_with_person(span)
            )
            return ("Person",) if shaped and supported else ()
        if hints & {"GPE", "LOC"}:
            if len(span) == 1 and _ACRONYM.match(text) and len(text) <= 3:
                return ()  # 'CV', 'ML': a short acronym no gazetteer knows is no place
            return ("Place",)
        if "QUOTED" in hints and ("PRODUCT" in hints or self._product_context(span)):
            return ("Product",)
        if (
            "QUOTED" in hints
            and all(
                t.is_title
                or t.is_upper
                or t.lower_ in {"and", "for", "of", "the", "in", "-", "under", "on", "with", "to"}
                or re.match(_NAME_RE, t.text)
                for t in span
                if not t.is_punct
            )
            and not span[0].is_stop
        ):
            return ("Project",)
        first = text.split("-", 1)[0]
        if "-" in text and self.known.get(first.lower()) == ("Place",) and text[len(first) + 1 :][
            :1
        ].isupper():
            return ("Place",)  # 'Plauen-Reusa': a district joined to its town
        if "CAMEL" in hints and len(span) == 1:
            before = [t.lower_ for t in span.doc[max(0, span.start - 2) : span.start]]
            if before and (before[-1] in self.product_nouns or self._product_context(span)):
                return ("Product",)  # 'its organ-on-chip platform LivoChip'
            if context:
                return context
            at_the = len(before) == 2 and before[0] in _PLACE_PREPOSITIONS and before[1] == "the"
            return ("Place",) if at_the else ("Company",)  # 'moved into the OrvaDome'
        if hints & {"ORG", "FAC", "PRODUCT"}:
            if len(span) == 1 and _ACRONYM.match(text) and len(text) <= 3:
                return ()
            if "PRODUCT" in hints and not hints & {"ORG", "FAC"}:
                # the model's PRODUCT alone is a product only where the text sells it
                return ("Product",) if self._product_context(span) else ()
            return ("Company",)
        return ()

    def context_class(self, span: Span) -> tuple[str, ...]:
        """Class from a common noun by the name: 'the accelerator X', 'X, a research institute'.

        The article says what the thing is; that outvotes the model's guess. Only
        a lower-case head noun counts (a capitalised one would be another name),
        and an apposition only up to its fifth word.
        """
        doc = span.doc
        before = doc[span.start - 1] if span.start > 0 else None
        if (
            before is not None
            and before.is_lower
            and before.lower_ in self.lex.heads
            and span.start > 1
            and doc[span.start - 2].lower_ in {"the", "its", "their", "our"}
        ):
            return self._head_word_class(before.lower_)
        if before is not None and span.start > 1:
            # 'accelerators like X', 'institutes such as X', 'venues like the X': the
            # plural head before a list
            i = span.start - 1
            if before.lower_ == "the" and span.start > 2:
                i -= 1
                before = doc[i]
            if before.lower_ == "as" and doc[i - 1].lower_ == "such":
                i -= 1
            elif before.lower_ != "like":
                i = -1
            if i > 0:
                noun = self._singular(doc[i - 1].lower_)
                if doc[i - 1].is_lower and noun in self.lex.heads:
                    return self._head_word_class(noun)
        if (
            span.end + 2 < len(doc)
            and doc[span.end].text == ","
            and doc[span.end + 1].lower_
            in {
                "a",
                "an",
                "the",
            }
        ):
            for tok in doc[span.end + 2 : min(len(doc), span.end + 8)]:
                if tok.is_lower and tok.lower_ in self.lex.heads:
                    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
                    if nxt is not None and nxt.is_lower and (
                        nxt.lower_ in self.lex.heads or nxt.pos_ in {"NOUN", "ADJ"}
                    ):
                        continue  # 'a research institute', 'a medical technology company'

                    if nxt is not None and (nxt.tag_ in _FINITE or nxt.is_title):
                        # 'X, the company intends ...' starts a clause; 'X, the Dutch
                        # company Y' introduces Y: neither describes X
                        break
                    return self._head_word_class(tok.lower_)
                if tok.pos_ not in _APPOSITION_FILL or tok.text in {",", ";", "(", ")"}:
                    break
        return ()

    def _head_word_class(self, word: str) -> tuple[str, ...]:
        if word in _GOVERNMENT_HEADS:
            return ("Institution", "Funder")
        cls = self.lex.heads[word]
        if cls == "Funder" and word in {"bank", "foundation", "stiftung"}:
            return ("Funder", "Institution")
        return (cls,)

    def _listed_with_person(self, span: Span) -> bool:
        """'A B, C D and Dr. E F': a name in a list of people is a person's."""
        doc = span.doc
        if span.end + 1 < len(doc) and doc[span.end].lower_ in {"and", ","}:
            nxt = doc[span.end + 1]
            if nxt.lower_ in self.titles or nxt.ent_type_ == "PERSON":
                return True
        if span.start >= 2 and doc[span.start - 1].lower_ in {"and", ","}:
            prev = doc[span.start - 2]
            return prev.ent_type_ == "PERSON" and prev.ent_iob_ != "O"
        return False

    def speaker(self, span: Span) -> bool:
        """'X says', '..., said X': who is quoted is a person."""
        doc = span.doc
        after = doc[span.end] if span.end < len(doc) else None
        if after is not None and after.text == "," and span.end + 1 < len(doc):
            after = doc[span.end + 1]
        before = doc[span.start - 1] if span.start > 0 else None
        return bool(
            (after is not None and after.lower_ in self.speech_verbs)
            or (before is not None and before.lower_ in self.speech_verbs)
        )

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
        low = span.text.lower()
        if "cluster of excellence" in low or "excellence cluster" in low:
            return ("Cluster", "Project")  # a funded research cluster: both (CONVENTIONS.md)
        if span[0].lower_ in self.institution_prefixes and len(span) >= 2:
            return ("Institution",)  # 'Max Planck ...', 'Leibniz ...', 'Helmholtz ...'
        return self._head_noun_class(span)

    def _head_noun_class(self, span: Span) -> tuple[str, ...]:
        """Class from the head noun: the last title-case word before a for/of complement."""
        words = [t.lower_ for t in span]
        cut = next(
            (i for i, w in enumerate(words) if w in {"for", "of", "für"} and i > 0), len(words)
        )
        cut = next((i for i, w in enumerate(words) if w in {"am", "im"} and i > 0), cut)
        head_words = words[:cut]
        two = " ".join(head_words[-2:])
        if two in _GOVERNMENT_HEADS or (
            head_words == ["state"] and cut < len(words) and words[cut] == "of"
        ):
            return ("Institution", "Funder")  # 'Free State of X', 'State of X': a government
        if two in self.lex.heads:
            return (self.lex.heads[two],)
        for w in reversed(head_words):
            if w in self.lex.heads:
                cls = self.lex.heads[w]
                if w in _GOVERNMENT_HEADS:
                    return ("Institution", "Funder")  # a state's government funds
                if cls == "Funder":
                    return (
                        ("Funder", "Institution")
                        if w in {"bank", "foundation", "stiftung"}
                        else ("Funder",)
                    )
                return (cls,)
        if len(head_words) == 1 and span[0].text[1:].islower():
            # A German compound ends in its head noun: 'Ballhalle (am Park)',
            # 'Gründerzentrum'. One word, written as a German noun: 'Walburga
            # Felshaus' is a person, 'ImmunoSpark' a brand.
            for head, cls in self.compound_heads.items():
                if head_words[0].endswith(head) and len(head_words[0]) > len(head) + 2:
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
