"""Relation patterns: the seven relations from syntax and surface cues.

Runs after `merge_entities`, so every entity is a single token whose
`ent_type_` is its class and the patterns stay short. Surface patterns
(`Matcher`) catch the noun-phrase idioms of the genre ("the Dresden company X",
"X of the University of Y", "the Vendrix product Z"); dependency patterns
(`DependencyMatcher`) catch the verbal ones ("is funded by", "are part of",
"coordinates"). Co-occurrence alone never makes a relation.

Each hit is recorded on `doc._.kg_relations` as a plain dict with character
offsets, so it survives into `kg.nlp.reader` without holding spaCy objects.
"""

from __future__ import annotations

import re
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
from kg.nlp.referents import (
    CLUSTER_NOUNS,
    JOINABLE,
    clause_subject,
    context_entity,
    expand,
    is_financing,
    is_negated,
    is_programme,
    owner,
    passive_subject,
    sentence_project,
    stand_in,
    topic,
    verb_subject,
)
from kg.nlp.rules.dependency import dep_patterns
from kg.nlp.rules.discourse import (
    DISCOURSE_RULES,
    discourse_ends,
    discourse_patterns,
    is_working_group,
    relative_antecedent,
)
from kg.nlp.rules.financing import (
    FINANCING_RULES,
    about_money,
    financed_company,
    financing_patterns,
    has_own_target,
    misparsed_list,
)
from kg.nlp.rules.surface import ALLOWED, entity_tail, surface_patterns
from kg.normalize import find_amounts


class RelationPatterns:
    """Find relation facts between merged entity tokens."""

    def __init__(self, nlp: Language, lexicon: Lexicon) -> None:
        self.lex = lexicon
        self.hedges = {w.lower() for w in lexicon.words("hedge_words")}
        self.roles = {w.lower() for w in lexicon.words("role_words")}
        self.role_tokens = {w for r in self.roles for w in r.split()} - {"of", "the", "and"}
        self.fund_verbs = {w.lower() for w in lexicon.words("fund_verbs")}
        # Word lists read from lexeme flags (kg.nlp.lexflags), so the Matcher checks them in C.
        flags = LexemeFlags(nlp.vocab)
        self.surface = Matcher(nlp.vocab, validate=False)  # flags.rewrite validates
        self.surface_info: dict[str, tuple[str, int, int]] = {}
        tails: list[int | None] = []
        for name, (pred, s_idx, o_idx, patterns) in surface_patterns(lexicon).items():
            tails.extend(entity_tail(name, p) for p in patterns)
            self.surface.add(name, [flags.rewrite(p) for p in patterns])
            self.surface_info[name] = (pred, s_idx, o_idx)
        #: Most tokens any surface pattern matches after its last entity (None: no limit).
        self.surface_tail = (
            None if None in tails else max((t for t in tails if t is not None), default=0)
        )
        self.deps = AnchoredDependencyMatcher(nlp.vocab)
        # One key per pattern, so a match tells which pattern's node ids it carries.
        self.dep_info: dict[str, tuple[str, str, list[dict[str, Any]]]] = {}
        for name, (pred, patterns) in {
            **dep_patterns(lexicon),
            **financing_patterns(),
            **discourse_patterns(lexicon),
        }.items():
            for i, pattern in enumerate(patterns):
                self.deps.add(f"{name}#{i}", pattern)
                self.dep_info[f"{name}#{i}"] = (name, pred, pattern)
                inherited = _inherit_subject(pattern) if name in _INHERITING else None
                if inherited is not None:
                    self.deps.add(f"{name}~inherit#{i}", inherited)
                    self.dep_info[f"{name}~inherit#{i}"] = (name, pred, inherited)

    def __call__(self, doc: Doc) -> Doc:
        found: list[dict[str, Any]] = []
        for match_id, start, end in self._surface_matches(doc):
            name = doc.vocab.strings[match_id]
            pred, s_idx, o_idx = self.surface_info[name]
            toks = [t for t in doc[start:end] if t.ent_type_]
            if len(toks) < 2:
                continue
            role = None
            if name == "part-unit" and toks[s_idx].ent_type_ == "Project":
                # 'the project X of the Chair of Y': the chair runs the project
                self._add(
                    found, toks[o_idx], "participatesIn", toks[s_idx], "surface:project-of", 0.8
                )
                continue
            if name == "affiliation-org-role":
                role = (
                    " ".join(
                        t.text
                        for t in doc[toks[0].i + 1 : toks[-1].i]
                        if t.lower_ in self.role_tokens
                    )
                    or None
                )
            self._add(found, toks[s_idx], pred, toks[o_idx], f"surface:{name}", 0.8, role=role)
        for match_id, token_ids in self.deps(doc):
            self._from_dep(doc, found, doc.vocab.strings[match_id], token_ids)
        doc._.kg_relations = found
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

    def _from_dep(self, doc: Doc, found: list[dict[str, Any]], key: str, ids: list[int]) -> None:
        name, pred, pattern = self.dep_info[key]
        nodes = {p["RIGHT_ID"]: doc[i] for p, i in zip(pattern, ids, strict=True)}
        if "~inherit" in key:
            subject = verb_subject(nodes["anchor"])
            if subject is None:
                return
            nodes["subj"] = subject
        anchor = nodes["anchor"]
        subj = nodes.get("subj", anchor if anchor.ent_type_ else None)
        obj = nodes.get("obj")
        rule = f"dep:{name}"
        role = None
        if name in DISCOURSE_RULES:
            for s, p, o in discourse_ends(name, nodes):
                role = anchor.text if name == "role-of-is" else None
                for o2 in expand(o) if p != "partOf" else [o]:
                    self._add(found, s, p, o2, rule, 0.7, role=role, anchor=anchor)
            return
        if name == "member-join" and subj is not None:
            # 'the working group X, which belongs to the cluster Y': X is part of Y
            subj = relative_antecedent(subj)
            if subj.ent_type_ == "Cluster" and obj is not None and is_working_group(subj):
                pred = "partOf"
        if name in FINANCING_RULES:
            if not about_money(anchor) or has_own_target(anchor):
                return
            if obj is not None and not misparsed_list(anchor, obj):
                return
            company = financed_company(anchor)
            if company is None or obj is None:
                return
            # The company as named, not its appositions ('X, participant of Y'): only the
            # investors may be a list.
            for o in expand(obj):
                self._add(found, company, pred, o, rule, 0.7, anchor=anchor)
            return
        elif name in {"fund-agent"}:
            subj = passive_subject(anchor)
        elif name == "participate-agent" or name == "produces-agent":
            obj = passive_subject(anchor)
        elif name == "located-site" and obj is not None:
            subj = clause_subject(anchor)
        elif name in {
            "participate-noun",
            "participate-from",
            "participant-apposition",
            "participant-copula",
            "participate-involved",
        }:
            obj = sentence_project(anchor)
        elif name in {"participate-relcl", "produces-relcl"}:
            obj = anchor
        elif name == "initiative-of":
            obj = nodes["obj"]
        elif name == "direction-of":
            # 'coordinated by ITCE under the direction of Prof. X': X leads it for ITCE.
            verb = anchor.head.head
            obj = sentence_project(anchor) or passive_subject(verb)
            agent = next(
                (
                    g
                    for c in verb.children
                    if c.dep_ == "agent"
                    for g in c.children
                    if g.dep_ == "pobj"
                ),
                None,
            )
            if agent is not None and subj is not None:
                for org in expand(agent):
                    self._add(found, subj, "affiliatedWith", org, rule, 0.7)
        elif name == "its-subsidiary":
            # 'Its subsidiary X': X belongs to whoever 'its' is, the previous subject.
            named = stand_in(anchor)
            if not named.ent_type_ and anchor.dep_ == "compound" and anchor.head.ent_type_:
                named = anchor.head  # 'its Leipzig subsidiary Lumagen Mikrofluidix'
            if not named.ent_type_:
                return
            subj, obj = named, owner(anchor) or topic(doc)
        elif name == "heads-org":
            if "subj" not in nodes:
                subj = clause_subject(anchor)
            role = "head"
        elif name == "receive-money":
            if not any(t.lower_ in _MONEY_WORDS for t in anchor.subtree):
                return
        elif name == "appointed":
            # 'X has been appointed to the professorship ... at the Medical Faculty', 'Y has
            # appointed X as CFO': the organisation is the employer.
            if obj is None:
                obj = next(
                    (t for t in anchor.subtree if t.i > anchor.i and t.ent_type_ in _EMPLOYERS),
                    None,
                )
            as_role = next((c for c in anchor.children if c.lower_ == "as"), None)
            if as_role is not None:
                role = (
                    " ".join(
                        t.text
                        for t in as_role.subtree
                        if t.i > as_role.i and t.text not in {"(", ")"} and not t.ent_type_
                    )
                    or None
                )
        elif name == "participant-copula" and anchor.lemma_ == "member":
            # 'Consortium members are ...' join a project; plain 'members are ...' a network.
            if not any(c.lower_ in {"consortium", "project"} for c in anchor.children):
                pred = "memberOf"
                obj = context_entity(anchor, ("Cluster",), CLUSTER_NOUNS)
        elif name in {"participate-in-project", "carried-out-at"}:
            # 'In the joint project "X", A and B develop ...'; 'the study X is carried out at A'
            obj = stand_in(obj) if obj is not None else None
            project = obj is not None and obj.ent_type_ == "Project" and not is_programme(obj)
            anaphor = (
                obj is not None and obj.ent_type_ == REF and any(w in obj.lower_ for w in JOINABLE)
            )
            if not (project or anaphor):
                return
        elif name == "produces-owner":
            obj = anchor
        elif name == "member-among":
            obj = context_entity(anchor, ("Cluster",), CLUSTER_NOUNS)
        elif name == "located-headquarters":
            # '... which has its headquarters in Eindhoven': whose headquarters
            possessor = next((c for c in anchor.children if c.dep_ == "poss"), None)
            subj = (
                possessor
                if possessor is not None and possessor.ent_type_
                else clause_subject(anchor)
            )
        elif name == "produces-possessive":
            # 'With its service X, parents can ...': 'its' is the company the item is about.
            subj = clause_subject(anchor)
            if subj is None or subj.ent_type_ not in {"Company", "Institution"}:
                subj = topic(doc)
            obj = anchor
        elif name == "founded-by":
            obj = passive_subject(anchor)
            role = "founder"
        elif name in {"member-copula", "member-copula-conj"} and subj is None:
            subj = verb_subject(nodes["verb"])
        elif name == "member-include":
            obj = context_entity(anchor, ("Cluster",), CLUSTER_NOUNS)
        elif name == "member-including":
            obj = next(
                (
                    c
                    for c in anchor.head.children
                    if c.dep_ in {"nsubj", "nsubjpass"} and c.ent_type_
                ),
                None,
            )
        elif name == "fund-noun":
            subj = self._funding_recipient(anchor)
        if name == "affiliation-apposition" and "obj" not in nodes:
            role, obj = self._role_and_org(nodes["role"])
        elif name.startswith("affiliation"):
            role_tok = nodes.get("role")
            if role_tok is not None and role_tok.lemma_.lower() in self.roles | {"head"}:
                role = self._role_text(role_tok, None)
            elif name != "affiliation-prep":
                return
            else:
                role = self._title_before(anchor)
        if pred == "fundedBy" and subj is not None and not subj.ent_type_:
            inside = next(
                (
                    t
                    for t in subj.subtree
                    if t.ent_type_ in _RECIPIENTS and t.head.lower_ in {"at", "for", "of"}
                ),
                None,
            )
            if stand_in(subj).ent_type_:
                pass
            elif inside is not None:
                subj = inside  # 'two doctoral positions at the IMOM'
            elif subj.lemma_.lower() in _UNDERTAKINGS:
                subj = topic(doc) or subj
        if name == "participate-agent" and subj is not None:
            # 'run by A together with B': B runs it too
            partners = [
                g
                for c in subj.children
                if c.lower_ in {"with", "and"} and c.dep_ in {"prep", "cc"}
                for g in c.subtree
                if g.ent_type_ and g.ent_type_ not in {"Place", "Person"}
            ]
            for extra in partners:
                self._add(found, extra, pred, obj, rule, 0.75, anchor=anchor)
        if name in {"participate-agent", "participate-noun"} and is_financing(anchor):
            # 'The round was led by investor X, with the participation of Y': X and Y
            # invest in the company the item is about.
            about = financed_company(anchor)
            if about is None or subj is None:
                return
            pred, subj, obj, rule = "fundedBy", about, subj, f"dep:{name}-financing"
        if name == "participate-agent" and subj is not None and subj.ent_type_ == "Person":
            # 'It is led by Prof. X': heading a working group is a position in it.
            target = expand(obj)[0] if obj is not None and expand(obj) else None
            if target is not None and target.ent_type_ in {"Cluster", REF}:
                pred, obj = "affiliatedWith", target
        if subj is None or obj is None:
            return
        # 'a member of X as well as of Y', 'carried out at A and at B'
        for prep_name in ("of", "at", "in", "to", "from"):
            prep = nodes.get(prep_name)
            if prep is None:
                continue
            for conj in prep.conjuncts:
                for extra in (c for c in conj.children if c.dep_ == "pobj"):
                    ends = [extra] if pattern_end(pattern, prep_name) == "obj" else []
                    starts = [extra] if pattern_end(pattern, prep_name) == "subj" else []
                    for s in expand(starts[0]) if starts else expand(subj):
                        for o in expand(ends[0]) if ends else expand(obj):
                            self._add(found, s, pred, o, rule, 0.75, role=role, anchor=anchor)
        for s in expand(subj):
            for o in expand(obj):
                self._add(found, s, pred, o, rule, 0.75, role=role, anchor=anchor)

    def _add(
        self,
        found: list[dict[str, Any]],
        s: Token,
        pred: str,
        o: Token,
        rule: str,
        conf: float,
        role: str | None = None,
        anchor: Token | None = None,
    ) -> None:
        doc = s.doc
        classes = doc._.kg_classes or {}
        s_cls = set(classes.get(_key(s), (s.ent_type_,)))
        o_cls = set(classes.get(_key(o), (o.ent_type_,)))
        if s.i == o.i or not s.ent_type_ or not o.ent_type_:
            return
        if anchor is not None and is_negated(anchor):
            return
        weak = doc._.kg_weak or set()
        # The model's guess that an unknown name is a town must not veto a fact about it.
        if s_cls == {"Place"} and _key(s) in weak:
            s_cls = {"Company"}
        if o_cls == {"Place"} and _key(o) in weak and pred != "locatedIn":
            o_cls = {"Company"}
        ok_s, ok_o = ALLOWED[pred]
        if (REF not in s_cls and not s_cls & ok_s) or (REF not in o_cls and not o_cls & ok_o):
            return
        if pred == "memberOf" and "Project" in o_cls:
            pred = "participatesIn"
        elif pred == "participatesIn" and "Person" in s_cls and not o_cls & {"Project", REF}:
            pred = "affiliatedWith"  # a person leading an institute holds a position there
        elif (
            pred == "participatesIn"
            and "Cluster" in o_cls
            and "Project" not in o_cls
            and not rule.startswith(_RUNNING_RULES)
        ):
            pred = "memberOf"  # participants of an accelerator are its members; who runs it is not
        sent = s.sent
        hedged = anchor is not None and (
            self._hedged(anchor) if anchor.pos_ in {"VERB", "AUX"} else self._hedged_object(anchor)
        )
        entry: dict[str, Any] = {
            "s": _key(s),
            "p": pred,
            "o": _key(o),
            "rule": rule,
            "conf": conf if not hedged else round(conf * 0.5, 2),
            "hedged": hedged,
            "role": role,
            "amount": None,
            "currency": None,
            "sent": (sent.start_char, sent.end_char),
        }
        if pred == "fundedBy":
            amounts = find_amounts(sent.text)
            if len(amounts) == 1:
                entry["amount"], entry["currency"] = str(amounts[0][2]), amounts[0][3]
        if not any(f["s"] == entry["s"] and f["p"] == pred and f["o"] == entry["o"] for f in found):
            found.append(entry)

    def _role_text(self, role: Token, stop: Token | None) -> str:
        """'head of software development' from the role noun up to the organisation."""
        words = [t for t in role.subtree if t.i >= min(c.i for c in role.subtree)]
        end = stop.i if stop is not None else role.i + 1
        text = " ".join(t.text for t in words if t.i < end and not t.ent_type_).strip(" ,")
        return re.sub(r"\s+(?:at|of|from|in|with)$", "", text)

    def _role_and_org(self, role: Token) -> tuple[str | None, Token | None]:
        """For 'X, head of the institute at Y': the first organisation inside the apposition."""
        if role.lemma_.lower() not in self.role_tokens and role.lower_ not in self.role_tokens:
            return None, None
        for t in role.subtree:
            if t.i > role.i and t.ent_type_ and t.ent_type_ not in {"Person", "Place"}:
                return self._role_text(role, t), t
        return None, None

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

    def _funding_recipient(self, noun: Token) -> Token | None:
        """Who gets 'a grant from X': the object of a funding verb, else the clause subject.

        In 'SAB supported the construction with a grant from the ERDF' the subject is
        another funder; the money goes to what is supported.
        """
        verb = next((t for t in noun.ancestors if t.pos_ in {"VERB", "AUX"}), None)
        if verb is None:
            return sentence_project(noun)
        if verb.lemma_.lower() in self.fund_verbs:
            return next((c for c in verb.children if c.dep_ == "dobj"), None)
        return clause_subject(noun) or sentence_project(noun)

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

    def _title_before(self, person: Token) -> str | None:
        words = [t.text for t in person.lefts if t.dep_ in {"compound", "amod"} and not t.ent_type_]
        title = " ".join(words)
        return title if title.lower() in self.roles else None


#: What funding can be 'for' when the text names no recipient: the topic's undertaking.
_UNDERTAKINGS = {
    "construction",
    "building",
    "expansion",
    "purchase",
    "acquisition",
    "foundation",
    "establishment",
    "development",
    "investment",
    "setup",
    "extension",
    "research",
    "work",
    "round",
    "financing",
    "company",
    "start-up",
    "founding",
    "move",
}
_MONEY_WORDS = {
    "euros",
    "euro",
    "eur",
    "million",
    "grant",
    "funding",
    "funds",
    "money",
    "investment",
}
_RECIPIENTS = {"Institution", "Company", "Project", "Cluster", REF}
_EMPLOYERS = {"Institution", "Company", "Cluster", "Funder"}
_RUNNING_RULES = (
    "dep:participate-agent",
    "dep:participate-verb",
    "dep:initiative-of",
    "dep:direction-of",
)
_INHERITING = {"located-verb", "produces-verb", "member-join", "participate-verb"}


def _inherit_subject(pattern: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
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


def pattern_end(pattern: list[dict[str, Any]], prep: str) -> str | None:
    """Which end ('subj' or 'obj') of a dependency pattern hangs off the node `prep`."""
    for node in pattern[1:]:
        if node.get("LEFT_ID") == prep and node["RIGHT_ID"] in {"subj", "obj"}:
            return str(node["RIGHT_ID"])
    return None


def _key(tok: Token) -> tuple[int, int]:
    return (tok.idx, tok.idx + len(tok.text))


@Language.factory("kg_relations", default_config={"lexicon_dir": ""})
def make_relations(nlp: Language, name: str, lexicon_dir: str) -> RelationPatterns:
    register_extensions()
    return RelationPatterns(nlp, load_lexicon(Path(lexicon_dir)))
