"""The entity component: find name spans and decide their classes from cues.

The stock model finds name spans reasonably but types them badly for this
domain (it calls lower-case cluster brands persons and small firms places), so
`kg_entities` re-decides every span from cues that generalise: legal forms,
head nouns, academic titles, cue nouns before quoted names, and known-name
lists from `data/lexicon/` as a supplement. What the model alone suggests is a
weak guess that later cues in the same article may overrule.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from kg.lexicon import Lexicon, load_lexicon
from kg.nlp.cues import CueTyper, strip_legal
from kg.nlp.labels import REF, register_extensions
from kg.nlp.lexflags import LexemeFlags, merge_alternatives
from kg.nlp.mentions import acronym_pairs, acronym_spans, find_whole_words, inner_hints
from kg.nlp.spans import (
    QUOTES,
    attach_city,
    headline_lines,
    headline_only,
    list_members,
    listed_places,
    split_coordination,
    split_of_the,
    split_place_prefix,
    unquote,
)
from kg.nlp.trim import Trimmer

#: Words that describe rather than name when they open cue words ('New Research Centre').
_DESCRIBING = {"new", "first", "second", "third", "further", "another", "joint", "future"}
_OPENERS = {",", '"', "\u201c", "\u201e", "\u2018"}
_CAMEL_RE = r"^(?:[A-Z][a-z]+[A-Z]|[a-z]+[A-Z])[A-Za-z0-9]*$"
_NER_KEEP = {"ORG", "PERSON", "GPE", "LOC", "PRODUCT", "FAC", "WORK_OF_ART", "NORP", "EVENT", "LAW"}
_NAME_RE = r"^(?:[A-ZÄÖÜ0-9]|[a-zäöüß]+[A-Z0-9])"
_NAME_MATCH = re.compile(r"^(?:[A-ZÄÖÜ0-9]|[a-zäöüß]+[A-Z0-9])").match
_LEFT_EXTENDED = {"LEGAL", "HEAD", "MARK"}
_NAME_AMP_RE = r"^(?:[A-ZÄÖÜ0-9]|[a-zäöüß]+[A-Z0-9]|&$)"
_QUOTES = QUOTES


def _token_specs(lex: Lexicon) -> dict[str, object]:
    """Matcher token descriptions shared by the entity patterns."""
    return {
        "name": {"TEXT": {"REGEX": _NAME_RE}, "IS_STOP": False, "IS_SENT_START": False},
        "name_any": {"TEXT": {"REGEX": _NAME_RE}, "IS_STOP": False},
        "name_amp": {"TEXT": {"REGEX": _NAME_AMP_RE}, "IS_STOP": False},
        "propn": {"POS": "PROPN", "IS_STOP": False},
        "conn": {"LOWER": {"IN": ["and", "&", "of", "for", "-", "für", "und", "de"]}},
        "head": {"LOWER": {"IN": sorted(lex.heads)}, "IS_TITLE": True},
    }


class EntityCues:
    """Find and type entity spans; the typed spans become `doc.ents`.

    Why a component of its own rather than more NER training: there is no
    annotated corpus to train on, while the cues of this genre are strong and
    stable (a "GmbH" is a company, a "Faculty" an institution, "working group
    X" a cluster), and they work for names nobody has seen.
    """

    def __init__(self, nlp: Language, lexicon: Lexicon) -> None:
        self.cues = CueTyper(lexicon)
        regions = {w.lower() for w in lexicon.words("region_places")}
        self.cities = {
            n for n, c in self.cues.known.items() if c == ("Place",) and n not in regions
        }
        self.flags = LexemeFlags(nlp.vocab)
        self.matcher = Matcher(nlp.vocab, validate=False)  # patterns are validated in _add
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        spec = _token_specs(lexicon)
        name, name_any, conn = spec["name"], spec["name_any"], spec["conn"]

        # One pattern per token-length of legal form: an IN-list per position keeps the
        # Matcher's state count (and so its cost per token) independent of the list size.
        by_length: dict[int, list[list[str]]] = {}
        for form in self.cues.legal_forms:
            words = [t.lower_ for t in nlp.make_doc(form)]
            by_length.setdefault(len(words), []).append(words)
        legal_seqs = []
        for length, forms in sorted(by_length.items()):
            if length == 1:
                legal_seqs.append([{"LOWER": {"IN": sorted(f[0] for f in forms)}}])
            else:
                legal_seqs.extend([{"LOWER": w} for w in f] for f in forms)
        self.brands = {k.name.lower() for k in lexicon.known if " " not in k.name}
        # Patterns start at the rare token (the legal form, the head noun, the mark) and
        # the name in front is collected by `_extend_left`: a pattern that may start on
        # any capitalised word keeps a match state open at every token.
        self._add("LEGAL", legal_seqs, greedy="LONGEST")
        head = spec["head"]
        post = [
            {"LOWER": {"IN": ["for", "of", "für"]}},
            {**name, "OP": "+"},
            {**conn, "OP": "?"},
            {**name, "OP": "*"},
            {**conn, "OP": "?"},
            {**name, "OP": "*"},
        ]
        comma_post = [
            {"LOWER": {"IN": ["for", "of", "für"]}},
            {**name, "OP": "+"},
            {"ORTH": ","},
            {**name, "OP": "+"},
            {"LOWER": {"IN": ["and", "&"]}},
            {**name, "OP": "+"},
        ]
        comma3_post = [
            {"LOWER": {"IN": ["for", "of", "für"]}},
            {**name, "OP": "+"},
            {"ORTH": ","},
            {**name, "OP": "+"},
            {"ORTH": ","},
            {**name, "OP": "+"},
            {"LOWER": {"IN": ["and", "&"]}},
            {**name, "OP": "+"},
        ]
        self._add(
            "HEAD",
            [
                [head, *post],
                [head, *comma_post],
                [head, *comma3_post],
                [head, {**name, "OP": "{0,2}"}],
            ],
            greedy="LONGEST",
        )
        cue_classes = {
            "working group": "Cluster",
            "working groups": "Cluster",
            "innovation cluster": "Cluster",
            "cluster": "Cluster",
            "network": "Cluster",
            "alliance": "Cluster",
            "accelerator": "Cluster",
            "collaborative research centre": "Project",
            "collaborative research center": "Project",
            "research training group": "Project",
            "project": "Project",
            "research project": "Project",
            "joint project": "Project",
            "collaborative project": "Project",
            "initiative": "Project",
            "programme": "Project",
            "program": "Project",
            "consortium": "Project",
            "research consortium": "Project",
            "study": "Project",
            "clinical study": "Project",
            "trial": "Project",
            "product": "Product",
            "drug": "Product",
            "therapy": "Product",
        }
        for cue in lexicon.words("product_cues"):
            cue_classes.setdefault(cue, "Product")
        self.cue_words = {w for cue in cue_classes for w in cue.split()}
        self.trimmer = Trimmer(self.cues, self.cue_words)
        self.role_caps = {r.upper() for r in self.cues.roles if len(r) <= 4 and " " not in r}
        # A person's title never continues a cue name ('working group Dr. X' is not a name).
        name = {**name, "LOWER": {"NOT_IN": sorted(self.cues.titles)}}
        # Single-word cues of one class share a pattern; multi-word cues keep their own.
        grouped: dict[tuple[str, int], list[str]] = {}
        for cue, cls in cue_classes.items():
            grouped.setdefault((cls, len(cue.split())), []).append(cue)
        for (cls, length), cues in sorted(grouped.items()):
            if length == 1:
                cue_seqs = [[{"LOWER": {"IN": sorted(cues)}}]]
            else:
                cue_seqs = [[{"LOWER": w} for w in cue.split()] for cue in cues]
            q = {"ORTH": {"IN": _QUOTES}}
            inner = {"ORTH": {"NOT_IN": _QUOTES}, "IS_SENT_START": False}
            tail = (
                [{**name, "OP": "{0,2}"}]
                if cls == "Product"
                else [{**name, "OP": "*"}, {**conn, "OP": "?"}, {**name, "OP": "*"}]
            )
            self._add(
                f"QUOTED_{cls}",
                [[*seq, q, {**inner, "OP": "{1,14}"}, q] for seq in cue_seqs],
                greedy="LONGEST",
            )
            self._add(f"CUE_{cls}", [[*seq, name, *tail] for seq in cue_seqs], greedy="LONGEST")
            if cls != "Product":
                # 'the X working group', 'our Y research centre': the cue after the name,
                # written lower-case; the name in front is collected by `_extend_left`.
                after = [[{**t, "IS_LOWER": True} for t in seq] for seq in cue_seqs]
                self._add(f"AFTER_{cls}", after, greedy="LONGEST")
        self._add(
            "AFTER_Institution",
            [[{"LOWER": "research", "IS_LOWER": True}, {"LOWER": {"IN": ["centre", "center"]}}]],
            greedy="LONGEST",
        )
        self._add(
            "LIST_Company",
            [
                [
                    {
                        "LOWER": {
                            "IN": [
                                "companies",
                                "company",
                                "firms",
                                "firm",
                                "start-ups",
                                "startups",
                                "start-up",
                                "startup",
                                "spin-off",
                                "manufacturer",
                                "manufacturers",
                            ]
                        },
                        # 'the companies A and B'; not 'Y - A Kestrel Company, and Z'
                        "IS_LOWER": True,
                    }
                ]
            ],
        )
        self._add("CITY", [[{"LOWER": "city"}, {"LOWER": "of"}, name_any]])
        # 'Free State of X', 'State of X': a government, whether or not the model saw a name.
        self._add(
            "HEAD",
            [
                [
                    {"LOWER": {"IN": ["free", "federal"]}, "IS_TITLE": True, "OP": "?"},
                    {"ORTH": "State"},
                    {"LOWER": "of"},
                    name_any,
                ]
            ],
            greedy="LONGEST",
        )
        title_tok = {"LOWER": {"IN": sorted(self.cues.titles)}}
        self._add(
            "PERSON",
            [
                [
                    title_tok,
                    {**title_tok, "OP": "*"},
                    {"IS_TITLE": True, "LOWER": {"NOT_IN": sorted(self.cues.titles)}},
                    # 'Ebersbach-Yilmaz' is three tokens; 'Přibil' is title-case too
                    {"TEXT": {"REGEX": r"^(?:[A-ZÄÖÜ][^\s]*|-)$"}, "OP": "{0,4}"},
                ]
            ],
            greedy="LONGEST",
        )
        # "MARK", not "PRODUCT": the model's own PRODUCT label is only a weak guess.
        # 'Secretary General Heide X', 'Minister Presidents A B': a capitalised role word
        # before two or three capitalised words; `Trimmer.trim` cuts the role off.
        role_tok = {"LOWER": {"IN": sorted(self.cues.role_tokens)}, "IS_TITLE": True}
        self._add(
            "ROLE_NAME",
            [
                [
                    role_tok,
                    {
                        "IS_TITLE": True,
                        "IS_STOP": False,
                        "LOWER": {"NOT_IN": sorted(self.cues.role_tokens | set(lexicon.heads))},
                        "OP": "{2,3}",
                    },
                ]
            ],
            greedy="LONGEST",
        )
        self._add("MARK", [[{"ORTH": {"IN": ["®", "™"]}}]])
        # 'Anna X, Managing Director Pharma at Kestrel Connect': after a role and 'at',
        # the capitalised words name the body the person works for.
        self._add("AT", [[{"LOWER": "at"}, {**name, "OP": "{1,4}"}]], greedy="LONGEST")
        # 'in Plauen, Orlenbach, Orlenau and Pirna': a list of one-word names;
        # where most are known places, the others are places too (`listed_places`).
        word = {"IS_TITLE": True, "IS_STOP": False, "IS_ALPHA": True}
        comma, conj = {"ORTH": ","}, {"LOWER": {"IN": ["and", "or"]}}
        optional_comma = {**comma, "OP": "?"}
        self._add(
            "WORD_LIST",
            [
                [word, *[t for _ in range(n) for t in (comma, word)], optional_comma, conj, word]
                for n in (1, 2, 3, 4)
            ],
            greedy="LONGEST",
        )
        # 'OrvaDome', 'TernMed', 'eLabo': a capital inside a word marks a name in English
        # prose even where the model tags nothing.
        self._add("CAMEL", [[{"TEXT": {"REGEX": _CAMEL_RE}, "IS_SENT_START": False}]])
        self._add(
            "QUOTED",
            [
                [
                    {"ORTH": {"IN": _QUOTES}},
                    {"TEXT": {"REGEX": _NAME_RE}},
                    {"ORTH": {"NOT_IN": _QUOTES}, "OP": "{0,8}"},
                    {"ORTH": {"IN": _QUOTES}},
                ]
            ],
            greedy="LONGEST",
        )
        self._add(
            "LOWER_CLUSTER",
            [
                [
                    {"LOWER": "the"},
                    {"POS": {"IN": ["NOUN", "ADJ", "CCONJ"]}, "OP": "{2,6}"},
                    {"LOWER": "cluster"},
                ]
            ],
            greedy="LONGEST",
        )
        singles = sorted(p for p in self.cues.anaphors if " " not in p)
        multi = [p.split() for p in self.cues.anaphors if " " in p]
        ref_start = [
            {"LOWER": {"IN": ["the", "this", "our"]}},
            # 'the new EU project' refers back; 'the future cluster initiative'
            # (a noun compound) describes something new.
            {"POS": {"IN": ["ADJ", "PROPN"]}, "IS_LOWER": False, "OP": "?"},
            {"POS": "ADJ", "OP": "?"},
        ]
        self._add(
            REF,
            [[*ref_start, {"LOWER": {"IN": singles}}]]
            + [[*ref_start, *[{"LOWER": w} for w in words]] for words in multi],
            greedy="LONGEST",
        )
        # Short capitalised acronyms match only as written: 'US' is a country, 'us' is not.
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        for known in lexicon.all_known():
            loose, exact = [], []
            for form in (known.name, *known.aliases):
                (exact if CueTyper.exact_form(form) else loose).append(nlp.make_doc(form))
            if loose:
                self.phrases.add(known.classes[0], loose)
            if exact:
                self.exact.add(known.classes[0], exact)

    def _add(self, key: str, patterns: list[list[dict[str, Any]]], **kwargs: Any) -> None:
        """Add patterns whose word-list and regex conditions are read from lexeme flags;
        a greedy key's patterns that differ in one word are one pattern (`merge_alternatives`)."""
        if kwargs.get("greedy") is not None:
            patterns = merge_alternatives(patterns)
        self.matcher.add(key, [self.flags.rewrite(p) for p in patterns], **kwargs)

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        candidates: list[tuple[int, Span]] = []
        after_names: dict[tuple[int, int], str] = {}
        for ent in doc.ents:
            if ent.label_ in _NER_KEEP:
                candidates.append((1, ent))
        for match_id, start, end in self.matcher(doc):
            key = doc.vocab.strings[match_id]
            if key in _LEFT_EXTENDED:
                first = self._extend_left(doc, start)
                if first == start and key != "HEAD":
                    continue  # a legal form or a mark with no name in front of it
                start = first
            if key.startswith("AFTER_"):
                first = self._extend_left(doc, start, limit=4)
                compound = end < len(doc) and doc[end].is_lower and doc[end].pos_ == "NOUN"
                opener = first + 1 == start and doc[first].is_sent_start
                if (
                    first < start
                    and not compound  # 'Lead study centre': the cue is a modifier here
                    and not opener  # a capitalised first word of a sentence is no name
                    and self._named_before_cue(doc[first:start])
                ):
                    cue = Span(doc, first, start, label="CUE_" + key.split("_", 1)[1])
                    candidates.append((3, cue))
                    after_names[(cue.start_char, cue.end_char)] = doc[first:end].text
            elif key == "CAMEL":
                # alone: not the tail of a longer name ('Center (ORC) AdipoCare'),
                # not an alias in brackets (the acronym rules own those), not a degree
                prev = doc[start - 1]
                if (prev.is_lower or prev.text in _OPENERS) and (
                    doc[start].lower_.rstrip("s") not in self.cues.titles
                ):
                    candidates.append((2, Span(doc, start, end, label=key)))
            elif key == "AT":
                if self._after_role(doc, start):
                    candidates.append((2, Span(doc, start + 1, end, label="ORG")))
            elif key == "WORD_LIST":
                candidates.extend((2, w) for w in listed_places(self.cues, doc[start:end]))
            elif key == "LIST_Company":
                candidates.extend((3, s) for s in list_members(doc, end, key))
            else:
                candidates.append((3, Span(doc, start, end, label=key)))
        for match_id, start, end in [*self.phrases(doc), *self.exact(doc)]:
            if doc.vocab.strings[match_id] == "Place" and doc[start].is_lower:
                continue  # 'thüringen' inside a firm's lower-case name is no mention of the state
            candidates.append((4, Span(doc, start, end, label="KNOWN")))
        hints: dict[tuple[int, int], set[str]] = {}
        prio: dict[tuple[int, int], int] = {}
        spans: list[Span] = []
        tokens = list(doc)  # one Token object per word for every trim, not one per look
        for rank, raw in candidates:
            if raw.label_.startswith("CUE_"):
                start = raw.start
                while start < raw.end - 1 and doc[start].lower_ in self.cue_words:
                    start += 1
                raw = Span(doc, start, raw.end, label=raw.label_)
            quoted = raw.label_.startswith("QUOTED")
            span = self.trimmer.trim(unquote(raw) if quoted else raw, text, tokens)
            if span is None or (span.label_ != REF and self._junk(span)):
                continue
            key = (span.start_char, span.end_char)
            hints.setdefault(key, set()).add(raw.label_)
            if rank > prio.get(key, 0):
                prio[key] = rank
                spans.append(span)
        # Longest span wins (filter_spans); hints of spans inside it still count.
        classes: dict[tuple[int, int], tuple[str, ...]] = {}
        weak: set[tuple[int, int]] = set()
        kept: list[Span] = []
        # Anaphors ("the project") only where no name overlaps them.
        named = filter_spans([s for s in spans if s.label_ != REF])
        taken = {i for s in named for i in range(s.start, s.end)}
        refs = [s for s in spans if s.label_ == REF and not taken & set(range(s.start, s.end))]
        doc._.kg_full_names = dict(after_names)  # 'X working group' is a name of X too
        known_spans = [(c.start, c.end) for rank, c in candidates if rank == 4]
        whole = attach_city(self.cues, filter_spans(named + refs), self.cities)
        split = split_coordination(
            self.cues,
            split_of_the(self.cues, split_place_prefix(self.cues, whole), known_spans),
        )
        hinted = sorted(hints)  # by start offset, so each span reads only the hints inside it
        for span in filter_spans(split):
            key = (span.start_char, span.end_char)
            inner = inner_hints(hints, hinted, key)
            typed = self.cues.classify(span, inner | {span.label_})
            if not typed and not self.cues.dropped(span):
                typed = self.cues.weak_class(span, inner | {span.label_})
                if typed:
                    weak.add((span.start_char, span.end_char))
            if typed:
                kept.append(span)
                classes[(span.start_char, span.end_char)] = typed
        dropped = headline_only(kept, headline_lines(text))
        if dropped:
            kept = [s for s in kept if (s.start_char, s.end_char) not in dropped]
        # Acronyms and later short forms inherit the classes of the name they stand for;
        # an acronym repeats too ('the NCT partner site' after 'National Centre ... (NCT)').
        acronyms = acronym_spans(kept, classes, weak)
        # Where only the model or a list around it speaks ('his company, X, Abel is ...'), a
        # surname of the article's person is that person.
        persons = {
            k for k, h in hints.items() if "PERSON" in h or h <= {"ORG", "PERSON", "LIST_Company"}
        }
        derived = acronyms + self._repeats(doc, text, kept + acronyms, classes, weak, persons)
        ents: list[Span] = []
        for span in filter_spans(kept + derived):
            typed = classes[(span.start_char, span.end_char)]
            ents.append(Span(doc, span.start, span.end, label=REF if typed == (REF,) else typed[0]))
        doc.ents = ents
        self._acronym_sites(doc, ents, acronyms)
        doc._.kg_classes = classes
        doc._.kg_weak = {k for k in weak if k in classes}
        doc._.kg_acronyms = acronym_pairs(doc)
        return doc

    def _acronym_sites(self, doc: Doc, ents: list[Span], acronyms: list[Span]) -> None:
        """'the NCLD Plauen': an acronym of the article, then its city, is a name of the body
        ('X in <city>' forms name the organisation, not the city); the city stays a place."""
        short = {a.text for a in acronyms}
        names = doc._.kg_full_names
        for ent, city in pairwise(ents):
            if (
                ent.text in short
                and city.start == ent.end
                and len(city) == 1
                and city.label_ == "Place"
                and city.text.lower() in self.cities
                and (city.end == len(doc) or not doc[city.end].is_title)
            ):
                names.setdefault((ent.start_char, ent.end_char), f"{ent.text} {city.text}")

    def _extend_left(self, doc: Doc, start: int, limit: int = 6) -> int:
        """Start of the name in front of `start`: capitalised words, '&' and '-' joints.

        The first word of a sentence may start a name but nothing before it joins;
        a lower-case proper noun ('cellbridge') may only be the name's first word.
        """
        i = start
        while i > 0 and start - i < limit:
            tok = doc[i - 1]
            # 'A & B GmbH', 'A-B AG', German 'A und B GmbH' (the conjunction inside a firm's name)
            if tok.text in {"&", "-", "und"} and i - 1 > 0 and _is_name(doc[i - 2]):
                i -= 1
                continue
            if _is_name(tok):
                i -= 1
                if tok.is_sent_start:
                    break
                continue
            if not tok.is_stop and (tok.pos_ == "PROPN" or tok.lower_ in self.brands):
                i -= 1
            break
        while i < start and doc[i].text in {"&", "-", "und"}:
            i += 1
        return i

    def _after_role(self, doc: Doc, at: int) -> bool:
        """Whether a capitalised role word ('Director', 'CEO') leads up to 'at' with only
        capitalised words (its remit) between, in the same sentence."""
        i = at - 1
        while i >= 0 and at - i <= 8 and not doc[i].is_sent_start:
            tok = doc[i]
            if (tok.is_title and tok.lower_ in self.cues.roles) or tok.text in self.role_caps:
                return True
            if not (tok.is_title or tok.lower_ in {"and", "&"}):
                return False
            i -= 1
        return False

    def _junk(self, span: Span) -> bool:
        """No name: a shape `CueTyper.junk` rejects, or cue words alone ('the
        Collaborative Research Centre', 'Working Group'), which name a kind of body."""
        words = span[1:] if len(span) > 1 and span[0].lower_ in _DESCRIBING else span
        # 'New Collaborative Research Centre' (a heading after a colon) is a kind, too
        return self.cues.junk(span) or all(t.lower_ in self.cue_words for t in words)

    def _named_before_cue(self, words: Span) -> bool:
        """'Preclinical Validation' before 'working group' is a name; 'Leipzig', 'Saxon',
        'EU' or 'Biotech' before 'network' only say where or what kind."""
        cues = self.cues
        return not all(
            t.lower_ in cues.known
            or t.text in cues.known_exact
            or t.lower_ in cues.nationalities
            or t.lower_ in cues.generic
            or t.lower_ in cues.role_tokens
            or t.is_upper
            for t in words
        )

    def _short_forms(self, name: str) -> set[str]:
        """'Lumeqa' and 'Elbtal Capital' for 'Lumeqa Therapeutics' / 'Elbtal Capital Partners'.

        Only a distinctive first word starts a short form: 'Bio' or 'Saxon' would
        match half the corpus.
        """
        words = name.split()
        first = words[0] if words else ""
        if (
            len(words) < 2
            or len(first) < 4
            or first.lower() in self.cues.generic
            or first.lower() in self.cues.known
            or not re.match(_NAME_RE, first)
        ):
            return set()
        return {" ".join(words[:n]) for n in range(1, len(words))}

    def _repeats(
        self,
        doc: Doc,
        text: str,
        spans: list[Span],
        classes: dict[tuple[int, int], tuple[str, ...]],
        weak: set[tuple[int, int]],
        persons: set[tuple[int, int]],
    ) -> list[Span]:
        """Later short mentions of a name already found ('Medi-Log' after 'Medi-Log GmbH').

        A surname of a person named in full is that person where nothing but the model's
        guess or a list around it ('his company, X, Abel is ...') said firm (`persons`).

        `text` is the Doc's text, read once: `Span.text` makes a Token per word.
        """
        forms: dict[str, tuple[str, ...]] = {}
        for span in spans:
            key = (span.start_char, span.end_char)
            typed = classes[key]
            if typed == (REF,):
                continue
            written = text[key[0] : key[1]]
            stripped = written[: len(strip_legal(written.lower(), self.cues.legal_forms))]
            variants = {written, stripped}
            if typed == ("Company",):
                variants |= self._short_forms(stripped)
            if typed == ("Person",):
                words = [w for w in written.split() if w.lower() not in self.cues.titles]
                if len(words) >= 2:
                    variants.add(words[-1])  # the surname, hyphenated or not
            for form in variants:
                if len(form) >= 3 and form.lower() not in self.cues.stop_names:
                    forms.setdefault(form, typed)
        out: list[Span] = []
        if not forms:
            return out
        for start, end, form in find_whole_words(text, forms):
            # A form found inside a token is no mention: `char_span` (strict) is None
            # unless both ends are token boundaries, found by binary search in C.
            span = doc.char_span(start, end, label="REPEAT")
            if span is None:
                continue
            key = (start, end)
            typed = forms[form]
            if key in weak or (typed == ("Person",) and key in persons):
                classes[key] = typed
            classes.setdefault(key, typed)
            out.append(span)
        return out


def _is_name(tok: Token) -> bool:
    return not tok.is_stop and bool(_NAME_MATCH(tok.text))


@Language.factory("kg_entities", default_config={"lexicon_dir": ""})
def make_entities(nlp: Language, name: str, lexicon_dir: str) -> EntityCues:
    register_extensions()
    return EntityCues(nlp, load_lexicon(Path(lexicon_dir)))
