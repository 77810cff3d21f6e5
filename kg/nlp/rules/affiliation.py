"""A person's position in an organisation, with its role title when the text gives one.

'X, head of the institute at Y', 'the director of Y, X', 'X heads Y', 'X has been
appointed CFO of Y', 'Y was founded by X'. A role word must be one of the
lexicon's `role_words`, so 'X, a guest of Y' states nothing.
"""

from __future__ import annotations

from spacy.tokens import Token

from kg.lexicon import Lexicon
from kg.nlp.labels import REF
from kg.nlp.referents import clause_subject, expand, passive_subject
from kg.nlp.rules.base import (
    Claim,
    DepHandler,
    DepMatch,
    Pattern,
    RuleContext,
    dep,
    spread,
    unit_after,
)

#: Dependents that only list a name with others, describing none of them.
_LISTING = {"cc", "punct", "det"}
_ARTICLES = {"the", "a", "an"}
#: Words a role title never ends on.
_ROLE_TAIL = {"at", "of", "from", "in", "with", *_ARTICLES}
#: Words naming an organisation's governing body: 'the Y Board of Directors'.
_BOARD_WORDS = {"board", "boards", "directorate", "presidium"}
#: What a person holds a position in.
_BODIES = ["Institution", "Company", "Cluster", "Funder"]
#: Verbs of working somewhere: 'X conducts research at Y'.
_WORK_VERBS = ["work", "research", "teach", "conduct", "lead", "serve", "do", "start", "begin"]
#: Who can employ the person an appointment names.
_EMPLOYERS = {"Institution", "Company", "Cluster", "Funder"}
#: Nouns 'at' a body that are no position in it: 'a guest at Y', 'a talk at Y'.
_NOT_OCCUPATIONS = {
    "guest",
    "visitor",
    "patient",
    "customer",
    "client",
    "talk",
    "lecture",
    "event",
    "meeting",
    "conference",
    "visit",
    "participant",
    "attendee",
    "exhibitor",
    "panelist",
    "panellist",
    "winner",
    "finalist",
}


def patterns(lex: Lexicon) -> dict[str, tuple[str, list[Pattern]]]:
    """name -> (predicate, patterns); the pattern nodes 'subj' and 'obj' are the ends."""
    pobj = {"DEP": "pobj"}
    role_words = sorted({r.split()[-1] for r in lex.words("role_words")})
    return {
        "heads-org": (
            "affiliatedWith",
            [
                dep(
                    {"LEMMA": {"IN": ["head", "lead", "direct", "manage", "run", "chair"]}},
                    ("anchor", ">", "subj", {"DEP": "nsubj", "ENT_TYPE": "Person"}),
                    (
                        "anchor",
                        ">",
                        "obj",
                        {
                            "DEP": "dobj",
                            "ENT_TYPE": {"IN": ["Institution", "Company", "Cluster", REF]},
                        },
                    ),
                ),
                # 'Anna Brill, who heads the institute Y'
                dep(
                    {
                        "LEMMA": {"IN": ["head", "lead", "direct", "manage", "run", "chair"]},
                        "DEP": "relcl",
                    },
                    ("anchor", "<", "subj", {"ENT_TYPE": "Person"}),
                    ("anchor", ">", "who", {"DEP": "nsubj", "LOWER": {"IN": ["who", "that"]}}),
                    (
                        "anchor",
                        ">",
                        "obj",
                        {
                            "DEP": "dobj",
                            "ENT_TYPE": {"IN": ["Institution", "Company", "Cluster", REF]},
                        },
                    ),
                ),
                dep(
                    {"LEMMA": {"IN": ["management", "direction", "leadership", "chair", "helm"]}},
                    ("anchor", ">", "of", {"LOWER": "of"}),
                    (
                        "of",
                        ">",
                        "obj",
                        {"DEP": "pobj", "ENT_TYPE": {"IN": ["Institution", "Company", "Cluster"]}},
                    ),
                ),
            ],
        ),
        "appointed": (
            "affiliatedWith",
            [
                dep(
                    {
                        "LEMMA": {"IN": ["appoint", "elect", "name", "hire", "recruit", "call"]},
                        "TAG": "VBN",
                    },
                    ("anchor", ">", "subj", {"DEP": "nsubjpass", "ENT_TYPE": "Person"}),
                ),
                dep(
                    {"LEMMA": {"IN": ["appoint", "elect", "name", "hire", "recruit"]}},
                    (
                        "anchor",
                        ">",
                        "obj",
                        {"DEP": "nsubj", "ENT_TYPE": {"NOT_IN": ["", "Person"]}},
                    ),
                    ("anchor", ">", "subj", {"DEP": "dobj", "ENT_TYPE": "Person"}),
                ),
            ],
        ),
        "founded-by": (
            "affiliatedWith",
            [
                dep(
                    {"LEMMA": {"IN": ["found", "establish", "start"]}, "TAG": "VBN"},
                    ("anchor", ">", "by", {"DEP": "agent"}),
                    ("by", ">", "subj", pobj),
                ),
            ],
        ),
        # 'X founded Y in 2012', 'X co-founded Y'
        "founded": (
            "affiliatedWith",
            [
                dep(
                    {"LEMMA": {"IN": ["found", "co-found", "cofound", "establish", "start"]}},
                    ("anchor", ">", "subj", {"DEP": "nsubj", "ENT_TYPE": "Person"}),
                    ("anchor", ">", "obj", {"DEP": "dobj", "ENT_TYPE": {"IN": _BODIES}}),
                ),
                # 'X set up the institute Y'
                dep(
                    {"LEMMA": "set"},
                    ("anchor", ">", "up", {"LOWER": "up", "DEP": "prt"}),
                    ("anchor", ">", "subj", {"DEP": "nsubj", "ENT_TYPE": "Person"}),
                    ("anchor", ">", "obj", {"DEP": "dobj", "ENT_TYPE": {"IN": _BODIES}}),
                ),
                # 'X, who founded Y in 2012, ...'
                dep(
                    {
                        "LEMMA": {"IN": ["found", "co-found", "cofound", "establish", "start"]},
                        "DEP": "relcl",
                    },
                    ("anchor", "<", "subj", {"ENT_TYPE": "Person"}),
                    ("anchor", ">", "who", {"DEP": "nsubj", "LOWER": {"IN": ["who", "that"]}}),
                    ("anchor", ">", "obj", {"DEP": "dobj", "ENT_TYPE": {"IN": _BODIES}}),
                ),
            ],
        ),
        "affiliation-apposition": (
            "affiliatedWith",
            [
                dep({"ENT_TYPE": "Person"}, ("anchor", ">", "role", {"DEP": "appos"})),
                dep(
                    {"ENT_TYPE": "Person"},
                    ("anchor", "<", "role", {"DEP": {"IN": ["nsubj", "attr"]}, "POS": "NOUN"}),
                    ("role", ">", "prep", {"LOWER": {"IN": ["of", "at"]}}),
                    ("prep", ">", "obj", pobj),
                ),
                dep(
                    {"ENT_TYPE": "Person"},
                    ("anchor", "<", "role", {"POS": "NOUN"}),
                    ("role", ">", "prep", {"LOWER": {"IN": ["of", "at"]}}),
                    ("prep", ">", "obj", pobj),
                ),
                # 'X is also the founding director of Y', 'X became CEO of Y'
                dep(
                    {"ENT_TYPE": "Person", "DEP": "nsubj"},
                    ("anchor", "<", "verb", {"LEMMA": {"IN": ["be", "become", "remain"]}}),
                    ("verb", ">", "role", {"DEP": {"IN": ["attr", "oprd"]}, "POS": "NOUN"}),
                    ("role", ">", "prep", {"LOWER": {"IN": ["of", "at"]}}),
                    ("prep", ">", "obj", pobj),
                ),
                # 'X took over as head of Y', 'X serves as director of Y'
                dep(
                    {"ENT_TYPE": "Person", "DEP": "nsubj"},
                    ("anchor", "<", "verb", {"POS": {"IN": ["VERB", "AUX"]}}),
                    ("verb", ">", "as", {"LOWER": "as", "DEP": "prep"}),
                    ("as", ">", "role", {"DEP": "pobj", "POS": "NOUN"}),
                    ("role", ">", "prep", {"LOWER": {"IN": ["of", "at"]}}),
                    ("prep", ">", "obj", pobj),
                ),
                # 'X has been managing director of Y', which the parser reads as a verb
                dep(
                    {"ENT_TYPE": "Person", "DEP": "nsubj"},
                    ("anchor", "<", "verb", {"LOWER": "managing"}),
                    ("verb", ">", "role", {"DEP": "dobj", "LEMMA": "director"}),
                    ("role", ">", "prep", {"LOWER": {"IN": ["of", "at"]}}),
                    ("prep", ">", "obj", pobj),
                ),
            ],
        ),
        # '..., his company, Lipoxa, Abel is the founding director of Y': the parser hung the
        # person on the list before and left 'is' without a subject (see the handler)
        "role-copula-torn": (
            "affiliatedWith",
            [
                # anchored on the role noun, not on 'be' (every third sentence has one)
                dep(
                    {
                        "LEMMA": {"IN": [*role_words, "head"]},
                        "DEP": {"IN": ["attr", "oprd"]},
                        "POS": "NOUN",
                    },
                    ("anchor", "<", "verb", {"LEMMA": {"IN": ["be", "become", "remain"]}}),
                    ("anchor", ">", "prep", {"LOWER": {"IN": ["of", "at"]}}),
                    ("prep", ">", "obj", pobj),
                ),
            ],
        ),
        # 'Secretary General of the Y (YAB) X', 'the President of Y, Professor X'
        "title-of-org": (
            "affiliatedWith",
            [
                dep(
                    {"LOWER": {"IN": role_words}},
                    ("anchor", ">", "of", {"LOWER": "of"}),
                    ("of", ">", "obj", {"DEP": "pobj", "ENT_TYPE": {"IN": _BODIES}}),
                ),
            ],
        ),
        # 'X conducts research at Y', 'X, who leads the activities at Y'
        "works-at": (
            "affiliatedWith",
            [
                dep(
                    {"LEMMA": {"IN": _WORK_VERBS}},
                    ("anchor", ">", "subj", {"DEP": "nsubj"}),
                    ("anchor", ">", "at", {"LOWER": "at"}),
                    ("at", ">", "obj", {"DEP": "pobj", "ENT_TYPE": {"IN": _BODIES}}),
                ),
                dep(
                    {"LEMMA": {"IN": _WORK_VERBS}},
                    ("anchor", ">", "subj", {"DEP": "nsubj"}),
                    ("anchor", ">", "what", {"DEP": "dobj"}),
                    ("what", ">", "at", {"LOWER": "at"}),
                    ("at", ">", "obj", {"DEP": "pobj", "ENT_TYPE": {"IN": _BODIES}}),
                ),
            ],
        ),
        "affiliation-prep": (
            "affiliatedWith",
            [
                dep(
                    {"ENT_TYPE": "Person"},
                    ("anchor", ">", "prep", {"LOWER": {"IN": ["from", "at", "of"]}}),
                    ("prep", ">", "obj", pobj),
                ),
            ],
        ),
        "affiliation-possessive": (
            "affiliatedWith",
            [
                dep(
                    {"ENT_TYPE": "Person"},
                    ("anchor", ">", "role", {"POS": {"IN": ["NOUN", "PROPN"]}}),
                    ("role", ">", "obj", {"DEP": "poss"}),
                ),
                # "Y's new director, Prof. X": the name is the role noun's apposition
                dep(
                    {"ENT_TYPE": "Person", "DEP": "appos"},
                    ("anchor", "<", "role", {"POS": "NOUN"}),
                    ("role", ">", "obj", {"DEP": "poss"}),
                ),
            ],
        ),
    }


def _heads(m: DepMatch) -> list[Claim]:
    """'X heads Y'; 'under the management of Y' names the head in the clause subject."""
    subj = m.subj if "subj" in m.nodes else clause_subject(m.anchor)
    return spread(m, subj, m.pred, m.obj, role="head")


def _appointed(m: DepMatch) -> list[Claim]:
    """'X has been appointed to the professorship ... at the Medical Faculty', 'Y has
    appointed X as CFO': the organisation is the employer, 'as' gives the role."""
    anchor = m.anchor
    obj = m.obj
    if obj is None:
        obj = next(
            (t for t in anchor.subtree if t.i > anchor.i and t.ent_type_ in _EMPLOYERS), None
        )
    role = None
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
    return spread(m, m.subj, m.pred, obj, role=role)


def _founded_by(m: DepMatch) -> list[Claim]:
    """'Y was founded by X': X holds a position in Y, as its founder."""
    return spread(m, m.subj, m.pred, passive_subject(m.anchor), role="founder")


def _founder(m: DepMatch) -> list[Claim]:
    """'X founded Y': X holds a position in Y, as its founder."""
    return spread(m, m.subj, m.pred, m.obj, role="founder", subjects=_described(m.subj))


def _role_noun(m: DepMatch) -> list[Claim]:
    """'X, head of Y', 'the director of Y, X', 'Y's CEO X': only a role word states a
    position; an apposition without 'of'/'at' names the organisation inside it."""
    role_tok = m.nodes.get("role")
    people = _described(m.anchor)
    if m.name == "affiliation-apposition" and "obj" not in m.nodes:
        role, obj = _role_and_org(m.ctx, m.nodes["role"])
        if obj is None:
            obj = _occupation_at(m.nodes["role"])
        return _boards(m, _own(m, spread(m, m.subj, m.pred, obj, role=role, subjects=people)))
    prep = m.nodes.get("prep")
    if role_tok is not None and (
        role_tok.lemma_.lower() in m.ctx.roles | {"head"}
        or (prep is not None and m.obj is not None and _at_org(role_tok) == m.obj.i)
    ):
        role = _role_text(role_tok, None)
        return _boards(m, _own(m, spread(m, m.subj, m.pred, m.obj, role=role, subjects=people)))
    return []


def _torn_copula(m: DepMatch) -> list[Claim]:
    """'X is the director of Y' where the parser gave 'is' no subject: the person right
    before the verb is its subject; a role word is needed, as for any apposition."""
    verb, role_tok = m.nodes["verb"], m.anchor
    if any(c.dep_ in {"nsubj", "nsubjpass", "expl"} for c in verb.children) or verb.i == 0:
        return []
    person = verb.doc[verb.i - 1]
    if person.ent_type_ != "Person" or person.sent.start != verb.sent.start:
        return []
    if role_tok.lemma_.lower() not in m.ctx.roles | {"head"}:
        return []
    role = _role_text(role_tok, None)
    return _own(m, spread(m, person, m.pred, m.obj, role=role, subjects=[person]))


def _from_org(m: DepMatch) -> list[Claim]:
    """'Prof. X from Y': a title before the name is the role, if it is a role word."""
    role = _title_before(m.ctx, m.anchor)
    unit = unit_after(m.obj, m.ctx.units) if m.obj is not None else None
    obj = unit if unit is not None else m.obj
    objects = [unit] if unit is not None else None
    return _own(
        m, spread(m, m.subj, m.pred, obj, role=role, subjects=_described(m.anchor), objects=objects)
    )


def _boards(m: DepMatch, claims: list[Claim]) -> list[Claim]:
    """'X, Chairman of the Y Board of Directors': a position on an organisation's board
    is a position in the organisation, when the text names it on its own too."""
    out = list(claims)
    for c in claims:
        words = c.o.lower_.split()
        if not set(words) & _BOARD_WORDS:
            continue
        owner = next(
            (
                t
                for t in m.doc
                if t.ent_type_ in _BODIES
                and t.i != c.o.i
                and c.o.lower_.startswith(t.lower_ + " ")
                and not set(t.lower_.split()) & _BOARD_WORDS
            ),
            None,
        )
        if owner is not None:
            out.append(c._replace(o=owner))
    return out


def _described(person: Token) -> list[Token]:
    """The people a description attached to `person` is about: `person`, and those
    listed before it that carry no description of their own.

    'Drs A and B from Y' are both from Y; in 'A (CEO of X) and B (manager at Y)' or
    "X's president A and Y's mayor B" each description belongs to its own name only.
    """
    return [p for p in expand(person) if p.i == person.i or (p.i < person.i and _bare(p))]


def _bare(person: Token) -> bool:
    """A name with no title, apposition or clause of its own, only listed with others."""
    return (
        person.ent_type_ == "Person"
        and person.dep_ != "appos"  # 'the Brontix president A': a title of its own
        and all(
            c.dep_ in _LISTING or (c.dep_ == "conj" and c.ent_type_ == "Person")
            for c in person.children
        )
    )


def _own(m: DepMatch, claims: list[Claim]) -> list[Claim]:
    """Claims whose person and organisation no other described person separates: in
    'A from X, B from Y and C from Z' A is from X only."""
    out = []
    for c in claims:
        lo, hi = sorted((c.s.i, c.o.i))
        if not any(
            t.ent_type_ == "Person" and t.i != m.anchor.i and not _bare(t)
            for t in m.doc[lo + 1 : hi]
        ):
            out.append(c)
    return out


def _title_of_org(m: DepMatch) -> list[Claim]:
    """'Secretary General of the Y (YAB) X': a role title of a named organisation written
    before a name, the name right after the organisation (its acronym or a comma between)."""
    words = [c.lower_ for c in m.anchor.lefts if c.dep_ == "compound" and not c.ent_type_]
    role = " ".join([*words, m.anchor.lower_])
    if role not in m.ctx.roles:
        return []
    doc, org = m.doc, m.obj
    i = org.i + 1
    if i + 2 < len(doc) and doc[i].text == "(" and doc[i + 2].text == ")":
        i += 3  # its acronym
    if i < len(doc) and doc[i].text == ",":
        i += 1
    while i < len(doc) and not doc[i].ent_type_ and doc[i].lower_ in m.ctx.titles:
        i += 1  # ', Professor X'
    person = doc[i] if i < len(doc) else None
    if person is None or person.ent_type_ != "Person" or person.sent.start != org.sent.start:
        return []
    return [m.claim(person, m.pred, org, role=role, anchor=m.anchor)]


def _works_at(m: DepMatch) -> list[Claim]:
    """'X conducts research at Y': the subject works there ('who' is the name before it)."""
    subj = m.subj
    if subj is not None and subj.lower_ in {"who", "that"} and subj.head.dep_ == "relcl":
        subj = subj.head.head
    if subj is None or subj.ent_type_ != "Person":
        return []
    return spread(m, subj, m.pred, m.obj, subjects=[subj])


def _role_text(role: Token, stop: Token | None) -> str:
    """'head of software development' from the role noun up to the organisation."""
    words = [t for t in role.subtree if t.i >= min(c.i for c in role.subtree)]
    end = stop.i if stop is not None else role.i + 1
    text = " ".join(
        t.text for t in words if t.i < end and not t.ent_type_ and t.text not in {"(", ")"}
    ).strip(" ,")
    words = text.split()
    while len(words) > 1 and words[-1].lower() in _ROLE_TAIL:
        words.pop()  # 'Chairman of the'
    if len(words) > 1 and words[0].lower() in _ARTICLES:
        words.pop(0)  # 'the founding director'
    return " ".join(words)


def _occupation_at(noun: Token) -> Token | None:
    """'X, a biologist at Y', 'X is a physician at Y': any occupation 'at' a named body
    says where X works (a role word is needed only with 'of': 'a friend of Y' is none)."""
    if noun.pos_ != "NOUN" or noun.lemma_.lower() in _NOT_OCCUPATIONS:
        return None
    for prep in (c for c in noun.children if c.dep_ == "prep" and c.lower_ == "at"):
        for org in (g for g in prep.children if g.dep_ == "pobj"):
            if org.ent_type_ in _EMPLOYERS:
                return org
    return None


def _at_org(noun: Token) -> int | None:
    """The index of the body `_occupation_at` finds, if any."""
    org = _occupation_at(noun)
    return None if org is None else org.i


def _role_and_org(ctx: RuleContext, role: Token) -> tuple[str | None, Token | None]:
    """For 'X, head of the institute at Y': the first organisation inside the apposition."""
    if role.lemma_.lower() not in ctx.role_tokens and role.lower_ not in ctx.role_tokens:
        return None, None
    for t in role.subtree:
        if t.i > role.i and t.ent_type_ and t.ent_type_ not in {"Person", "Place"}:
            return _role_text(role, t), t
    return None, None


def _title_before(ctx: RuleContext, person: Token) -> str | None:
    words = [t.text for t in person.lefts if t.dep_ in {"compound", "amod"} and not t.ent_type_]
    title = " ".join(words)
    return title if title.lower() in ctx.roles else None


HANDLERS: dict[str, DepHandler] = {
    "heads-org": _heads,
    "appointed": _appointed,
    "founded-by": _founded_by,
    "founded": _founder,
    "affiliation-apposition": _role_noun,
    "affiliation-prep": _from_org,
    "affiliation-possessive": _role_noun,
    "title-of-org": _title_of_org,
    "role-copula-torn": _torn_copula,
    "works-at": _works_at,
}
#: 'X, recently awarded a prize, conducts research at Y': the subject of the first verb.
INHERITING = frozenset({"works-at"})
RUNNING: frozenset[str] = frozenset()
