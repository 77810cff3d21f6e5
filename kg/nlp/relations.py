"""The relation component: runs the rules of `kg.nlp.rules` and keeps the claims that hold.

Runs after `merge_entities`, so every entity is a single token whose
`ent_type_` is its class and the patterns stay short. Surface patterns
(`Matcher`) catch the noun-phrase idioms of the genre ("the Dresden company X",
"X of the University of Y", "the Brontix product Z"); dependency patterns
(`DependencyMatcher` semantics, run from their anchors by `kg.nlp.depmatch`)
catch the verbal ones ("is funded by", "are part of", "coordinates"). Each rule's
handler says which tokens its ends are; this component checks what every claim
must satisfy whatever its rule: classes its relation allows, no negation, and
whether it is only planned (hedged). Co-occurrence alone never makes a relation.

Each claim kept is recorded on `doc._.kg_relations` as a plain dict with
character offsets, so it survives into the reader without holding spaCy objects.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Token

from kg.lexicon import Lexicon, load_lexicon
from kg.nlp.depmatch import AnchoredDependencyMatcher
from kg.nlp.docarrays import entity_windows
from kg.nlp.labels import REF, register_extensions
from kg.nlp.lexflags import LexemeFlags
from kg.nlp.referents import is_negated, verb_subject
from kg.nlp.rules import (
    ALLOWED,
    Claim,
    DepMatch,
    DepRule,
    RuleContext,
    SurfaceMatch,
    dependency_rules,
    surface_rules,
)
from kg.nlp.rules.base import Pattern
from kg.nlp.rules.financing import bind_money, funding_events
from kg.nlp.rules.surface import entity_tail


class RelationPatterns:
    """Find relation facts between merged entity tokens."""

    def __init__(self, nlp: Language, lexicon: Lexicon) -> None:
        self.lex = lexicon
        self.hedges = {w.lower() for w in lexicon.words("hedge_words")}
        self.site_heads = frozenset(w for w, cls in lexicon.heads.items() if cls == "Place")
        roles = frozenset(w.lower() for w in lexicon.words("role_words"))
        self.ctx = RuleContext(
            roles=roles,
            role_tokens=frozenset({w for r in roles for w in r.split()} - {"of", "the", "and"}),
            fund_verbs=frozenset(w.lower() for w in lexicon.words("fund_verbs")),
            titles=frozenset(w.lower() for w in lexicon.words("person_titles")),
            speech=frozenset(w.lower() for w in lexicon.words("speech_verbs")),
            units=frozenset(w.split()[-1] for w in lexicon.words("unit_heads")) - {"for"},
        )
        # Word lists read from lexeme flags (kg.nlp.lexflags), so the Matcher checks them in C.
        flags = LexemeFlags(nlp.vocab)
        self.surface = Matcher(nlp.vocab, validate=False)  # flags.rewrite validates
        self.surface_rules = surface_rules(lexicon)
        tails: list[int | None] = []
        for name, rule in self.surface_rules.items():
            tails.extend(entity_tail(name, p) for p in rule.patterns)
            self.surface.add(name, [flags.rewrite(p) for p in rule.patterns])
        #: Most tokens any surface pattern matches after its last entity (None: no limit).
        self.surface_tail = (
            None if None in tails else max((t for t in tails if t is not None), default=0)
        )
        self.deps = AnchoredDependencyMatcher(nlp.vocab)
        # One key per pattern, so a match tells which pattern's node ids it carries.
        self.dep_info: dict[str, tuple[DepRule, Pattern, bool]] = {}
        for rule in dependency_rules(lexicon).values():
            for i, pattern in enumerate(rule.patterns):
                self.deps.add(f"{rule.name}#{i}", pattern)
                self.dep_info[f"{rule.name}#{i}"] = (rule, pattern, False)
                inherited = _inherit_subject(pattern) if rule.inherit else None
                if inherited is not None:
                    self.deps.add(f"{rule.name}~inherit#{i}", inherited)
                    self.dep_info[f"{rule.name}~inherit#{i}"] = (rule, inherited, True)

    def __call__(self, doc: Doc) -> Doc:
        found: list[dict[str, Any]] = []
        for match_id, start, end in self._surface_matches(doc):
            rule = self.surface_rules[doc.vocab.strings[match_id]]
            toks = [t for t in doc[start:end] if t.ent_type_]
            if len(toks) < 2:
                continue
            match = SurfaceMatch(rule.name, rule.pred, rule.s_idx, rule.o_idx, toks, self.ctx)
            for claim in rule.handler(match):
                self._add(found, claim)
        for match_id, token_ids in self.deps(doc):
            dep_rule, pattern, inherited = self.dep_info[doc.vocab.strings[match_id]]
            nodes = {p["RIGHT_ID"]: doc[i] for p, i in zip(pattern, token_ids, strict=True)}
            if inherited:
                subject = verb_subject(nodes["anchor"])
                if subject is None:
                    continue
                nodes["subj"] = subject
            dep_match = DepMatch(
                dep_rule.name, dep_rule.pred, pattern, nodes, self.ctx, dep_rule.runs
            )
            for claim in dep_rule.handler(dep_match):
                self._add(found, claim)
        doc._.kg_relations = found
        doc._.kg_fundings = funding_events(doc, found)
        return doc

    def _surface_matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """Surface matches (match id, start, end) inside one sentence, in the Matcher's order.

        Every surface pattern starts on an entity token and goes at most
        `surface_tail` tokens past its last one, a hit needs two of them, and a
        pattern across a sentence boundary states nothing; so the Matcher runs only
        over those stretches of sentences with two or more entity tokens
        (`entity_windows`, about a third of the tokens). A Matcher's cost is per
        token: its entity-type conditions are Python calls on every token it sees.
        The surface patterns have no greedy filter, so each window yields exactly
        the hits a whole-Doc run finds there that can count, in the same order.
        """
        return [
            (match_id, first + start, first + end)
            for first, last in entity_windows(doc, after=self.surface_tail)
            for match_id, start, end in self.surface(doc[first:last])
        ]

    def _add(self, found: list[dict[str, Any]], claim: Claim) -> None:
        """Record a claim whose ends have classes its relation allows and which no
        negation denies; a planned or intended one is kept apart as hedged."""
        s, pred, o, anchor = claim.s, claim.p, claim.o, claim.anchor
        if s.i == o.i or not s.ent_type_ or not o.ent_type_:
            return
        doc = s.doc
        classes = doc._.kg_classes or {}
        s_cls = set(classes.get(_key(s), (s.ent_type_,)))
        o_cls = set(classes.get(_key(o), (o.ent_type_,)))
        if anchor is not None and is_negated(anchor):
            return
        weak = doc._.kg_weak or set()
        # The model's guess that an unknown name is a town must not veto a fact about it.
        if s_cls == {"Place"} and _key(s) in weak:
            s_cls = {"Company"}
        if o_cls == {"Place"} and _key(o) in weak and pred != "locatedIn":
            o_cls = {"Company"}
        ok_s, ok_o = ALLOWED[pred]
        if claim.joint:
            ok_o = ok_o | {"Institution"}  # a body partners run together: see the reader
        if pred == "locatedIn" and self._site(s):
            ok_s = ok_s | {"Place"}  # a campus or venue is in its town; a town is no site
        if (REF not in s_cls and not s_cls & ok_s) or (REF not in o_cls and not o_cls & ok_o):
            return
        sent = s.sent
        hedged = anchor is not None and (
            self._hedged(anchor) if anchor.pos_ in {"VERB", "AUX"} else self._hedged_object(anchor)
        )
        entry: dict[str, Any] = {
            "s": _key(s),
            "p": pred,
            "o": _key(o),
            "rule": claim.rule,
            "conf": claim.conf if not hedged else round(claim.conf * 0.5, 2),
            "hedged": hedged,
            "role": claim.role,
            "money": bind_money(sent, anchor) if pred == "fundedBy" else None,
            "sent": (sent.start_char, sent.end_char),
            "runs": claim.runs,
            "names": claim.names,
            "joint": claim.joint,
        }
        if not any(f["s"] == entry["s"] and f["p"] == pred and f["o"] == entry["o"] for f in found):
            found.append(entry)

    def _site(self, tok: Token) -> bool:
        """A place named as a site (campus, park, hall, square ...), which can be in a town."""
        words = tok.lower_.split()
        return any(h in words or (" " in h and h in tok.lower_) for h in self.site_heads)

    def _hedged(self, verb: Token) -> bool:
        """Planned or intended: the verb or a verb it complements ('intends to relocate')."""
        t: Token | None = verb
        while t is not None:
            if t.lemma_.lower() in self.hedges or t.lower_ in self.hedges:
                return True
            if any(
                c.dep_ == "aux" and c.lower_ in {"would", "could", "might", "may", "should"}
                for c in t.children
            ):
                return True
            t = t.head if t.dep_ in {"xcomp", "ccomp", "advcl"} and t.head.i != t.i else None
        return False

    def _hedged_object(self, noun: Token) -> bool:
        """'has applied for funding from X': a noun inside what a hedging verb governs."""
        t = noun
        while t.head.i != t.i:
            if t.dep_ in {"nsubj", "nsubjpass"}:
                return False
            t = t.head
            if t.pos_ in {"VERB", "AUX"}:
                return self._hedged(t)
        return False


def _inherit_subject(pattern: Pattern) -> Pattern | None:
    """Variant of a verb pattern for a verb whose subject sits on the verb it complements."""
    edges = [
        p
        for p in pattern[1:]
        if not (p["LEFT_ID"] == "anchor" and p["RIGHT_ID"] == "subj" and p["REL_OP"] == ">")
    ]
    if len(edges) == len(pattern) - 1 or any(p.get("RIGHT_ID") == "subj" for p in edges):
        return None
    anchor = {
        **pattern[0],
        "RIGHT_ATTRS": {**pattern[0]["RIGHT_ATTRS"], "DEP": {"IN": ["xcomp", "conj", "advcl"]}},
    }
    return [anchor, *edges]


def _key(tok: Token) -> tuple[int, int]:
    return (tok.idx, tok.idx + len(tok.text))


@Language.factory("kg_relations", default_config={"lexicon_dir": ""})
def make_relations(nlp: Language, name: str, lexicon_dir: str) -> RelationPatterns:
    register_extensions()
    return RelationPatterns(nlp, load_lexicon(Path(lexicon_dir)))
