"""Taking part in a project: 'participates in', 'coordinated by', 'partners are'.

Many of these name only the participant ('scientists from A', 'A is a partner');
the project is the one named in the sentence or last before it
(`sentence_project`). Leading a project (`RUNNING`) is taking part in it even
where the project is also a cluster.
"""

from __future__ import annotations

from spacy.tokens import Token

from kg.lexicon import Lexicon
from kg.nlp.labels import REF
from kg.nlp.referents import (
    JOINABLE,
    expand,
    is_financing,
    is_framework,
    is_programme,
    opening_in,
    partner_subject,
    passive_subject,
    sentence_project,
    stand_in,
)
from kg.nlp.rules.base import Claim, DepHandler, DepMatch, Pattern, dep, spread, two_ends
from kg.nlp.rules.financing import financed_company

#: Verbs of setting up or running an undertaking with others.
_SETTING_UP = ["establish", "found", "build", "set", "create", "launch", "run", "operate"]
#: Nouns a project's name may modify ('the X project, in which ...'): the name stands for them.
_UNDERTAKINGS = ["project", "consortium", "study", "initiative", "alliance", "partnership"]
#: Who speaks for a project.
_SPOKES_NOUNS = ["spokesperson", "spokesman", "spokeswoman", "speaker"]
#: How many tokens before 'spokesperson' the project's name may end ('"X (AB)" (').
_SPOKES_REACH = 7


def patterns(lex: Lexicon) -> dict[str, tuple[str, list[Pattern]]]:
    """name -> (predicate, patterns); the pattern nodes 'subj' and 'obj' are the ends."""
    subj = {"DEP": {"IN": ["nsubj", "nsubjpass"]}}
    pobj = {"DEP": "pobj"}
    lead = {"LEMMA": {"IN": list(lex.words("lead_verbs"))}}
    of_between = {"LOWER": {"IN": ["of", "between"]}}
    return {
        "participate-verb": (
            "participatesIn",
            [
                dep(
                    {"LEMMA": {"IN": ["participate", "involve", "engage", "collaborate", "work"]}},
                    ("anchor", ">", "subj", subj),
                    ("anchor", ">", "in", {"LOWER": {"IN": ["in", "on"]}}),
                    ("in", ">", "obj", pobj),
                ),
                dep(
                    lead,
                    ("anchor", ">", "subj", {"DEP": "nsubj"}),
                    ("anchor", ">", "obj", {"DEP": "dobj"}),
                ),
                dep(
                    lead,
                    ("anchor", ">", "obj", {"DEP": "nsubjpass"}),
                    ("anchor", ">", "by", {"DEP": "agent"}),
                    ("by", ">", "subj", pobj),
                ),
            ],
        ),
        "participate-agent": (
            "participatesIn",
            [
                dep(
                    {**lead, "TAG": "VBN"},
                    ("anchor", ">", "by", {"DEP": "agent"}),
                    ("by", ">", "subj", pobj),
                ),
            ],
        ),
        "participate-noun": (
            "participatesIn",
            [
                dep(
                    {
                        "LEMMA": {
                            "IN": ["participation", "involvement", "coordination", "leadership"]
                        }
                    },
                    ("anchor", ">", "of", {"LOWER": {"IN": ["of", "by"]}}),
                    ("of", ">", "subj", pobj),
                ),
            ],
        ),
        "participate-from": (
            "participatesIn",
            [
                dep(
                    {"LEMMA": {"IN": list(lex.words("participant_staff"))}},
                    ("anchor", ">", "from", {"LOWER": {"IN": ["from", "at", "of"]}}),
                    ("from", ">", "subj", pobj),
                ),
            ],
        ),
        "participant-apposition": (
            "participatesIn",
            [
                dep(
                    {"LEMMA": {"IN": ["applicant", "partner", "participant", "coordinator"]}},
                    ("anchor", ">", "subj", {"DEP": "appos"}),
                ),
            ],
        ),
        "participant-copula": (
            "participatesIn",
            [
                dep(
                    {
                        "LEMMA": {
                            "IN": ["partner", "participant", "applicant", "member", "coordinator"]
                        },
                        "DEP": "nsubj",
                    },
                    ("anchor", "<", "verb", {"LEMMA": "be"}),
                    ("verb", ">", "subj", {"DEP": {"IN": ["attr", "acomp"]}}),
                ),
                # 'Project partners include A and B'
                dep(
                    {"LEMMA": {"IN": ["partner", "participant", "member"]}, "DEP": "nsubj"},
                    ("anchor", "<", "verb", {"LEMMA": {"IN": ["include", "comprise"]}}),
                    ("verb", ">", "subj", {"DEP": "dobj"}),
                ),
                # 'Participating institutions are A and B', 'Involved companies include C'
                dep(
                    {"LEMMA": {"IN": list(lex.words("participant_bodies"))}, "DEP": "nsubj"},
                    ("anchor", ">", "taking", {"LOWER": {"IN": ["participating", "involved"]}}),
                    ("anchor", "<", "verb", {"LEMMA": {"IN": ["be", "include"]}}),
                    ("verb", ">", "subj", {"DEP": {"IN": ["attr", "dobj"]}}),
                ),
            ],
        ),
        # 'A is a partner in X', 'A is one of the partners of X', 'As a partner in X, A ...'
        "partner-in": (
            "participatesIn",
            [
                dep(
                    {"LEMMA": {"IN": ["partner", "participant", "coordinator"]}},
                    ("anchor", ">", "in", {"LOWER": {"IN": ["in", "of", "within"]}}),
                    ("in", ">", "obj", pobj),
                ),
            ],
        ),
        "initiative-of": (
            "participatesIn",
            [
                dep(
                    {
                        "LEMMA": {
                            "IN": [
                                "initiative",
                                "project",
                                "programme",
                                "program",
                                "joint venture",
                                "cooperation",
                            ]
                        },
                        "DEP": "attr",
                    },
                    ("anchor", "<", "verb", {"LEMMA": "be"}),
                    ("verb", ">", "obj", {"DEP": "nsubj"}),
                    ("anchor", ">", "of", of_between),
                    ("of", ">", "subj", pobj),
                ),
                # 'X, a joint project of A and B, ...'
                dep(
                    {"LEMMA": {"IN": ["initiative", "project", "cooperation"]}, "DEP": "appos"},
                    ("anchor", "<", "obj", {"ENT_TYPE": {"NOT_IN": ["Person", "Place"]}}),
                    ("anchor", ">", "of", of_between),
                    ("of", ">", "subj", pobj),
                ),
            ],
        ),
        # 'the project X, which A and B are establishing', '..., which we run together with C'
        # ('the X project, which ...': the clause hangs on the noun the name modifies)
        "joined-relcl": (
            "participatesIn",
            [
                dep(
                    {"LEMMA": {"IN": _SETTING_UP}, "DEP": "relcl"},
                    ("anchor", "<", "obj", obj),
                    ("anchor", ">", "rel", {"LOWER": {"IN": ["which", "that"]}, "DEP": "dobj"}),
                )
                for obj in (
                    {"ENT_TYPE": {"IN": ["Project", "Cluster", "Institution", REF]}},
                    {"LEMMA": {"IN": _UNDERTAKINGS}, "ENT_TYPE": ""},
                )
            ],
        ),
        # 'the project "X" (spokesperson: Professor Y)'
        # (the parser may hang the name on the project instead: the handler reads ':')
        "spokesperson-apposition": (
            "participatesIn",
            [dep({"LEMMA": {"IN": _SPOKES_NOUNS}})],
        ),
        # 'In the network X, A works with B and C'
        "in-named-undertaking": (
            "participatesIn",
            [
                dep(
                    {"ENT_TYPE": {"IN": ["Project", "Cluster"]}, "DEP": "pobj"},
                    ("anchor", "<", "in", {"LOWER": {"IN": ["in", "within"]}}),
                ),
                # the parser may take the name for a subject ('In the network X founded
                # in 2018, A works ...'): the handler reads the opening words instead
                dep({"ENT_TYPE": {"IN": ["Project", "Cluster"]}, "DEP": {"NOT_IN": ["pobj"]}}),
            ],
        ),
        # "The University's second Collaborative Research Centre (CRC), "X", ..."
        "possessive-project": (
            "participatesIn",
            [
                dep(
                    {
                        "ENT_TYPE": {"IN": ["Institution", "Company", "Cluster", "Funder", REF]},
                        "DEP": "poss",
                    },
                    ("anchor", "<", "thing", {"POS": {"IN": ["NOUN", "PROPN"]}}),
                ),
            ],
        ),
        "participate-involved": (
            "participatesIn",
            [
                dep(
                    {"LEMMA": {"IN": ["involve", "participate"]}},
                    ("anchor", ">", "subj", {"DEP": {"IN": ["nsubj", "nsubjpass", "attr"]}}),
                ),
                dep(
                    {"LEMMA": "involve"},
                    ("anchor", ">", "aux", {"DEP": {"IN": ["aux", "auxpass"]}}),
                    ("aux", ">", "subj", {"DEP": {"IN": ["nsubj", "attr"]}}),
                ),
            ],
        ),
        "direction-of": (
            "participatesIn",
            [
                dep(
                    {"LEMMA": {"IN": ["direction", "leadership", "supervision", "management"]}},
                    ("anchor", ">", "of", {"LOWER": "of"}),
                    ("of", ">", "subj", {"DEP": "pobj", "ENT_TYPE": "Person"}),
                ),
            ],
        ),
        # 'the project X, in which A works'; 'the X project, in which A and B take part'
        "participate-relcl": (
            "participatesIn",
            [
                dep(
                    anchor,
                    ("anchor", ">", "verb", {"DEP": "relcl"}),
                    ("verb", ">>", "in", {"LOWER": {"IN": ["in", "within"]}}),
                    ("in", ">", "which", {"LOWER": "which"}),
                    ("verb", ">", "subj", {"DEP": "nsubj"}),
                )
                for anchor in (
                    {"ENT_TYPE": {"IN": ["Project", REF]}},
                    {"LEMMA": {"IN": _UNDERTAKINGS}, "ENT_TYPE": ""},
                )
            ],
        ),
        "participant-of": (
            "participatesIn",
            [
                dep(
                    {
                        "LEMMA": {"IN": ["participant", "member", "partner", "alumnus"]},
                        "DEP": "appos",
                    },
                    ("anchor", "<", "subj", {"ENT_TYPE": {"NOT_IN": [""]}}),
                    ("anchor", ">", "of", {"LOWER": {"IN": ["of", "in"]}}),
                    ("of", ">", "obj", pobj),
                ),
            ],
        ),
        "take-part": (
            "participatesIn",
            [
                dep(
                    {"LEMMA": "take"},
                    ("anchor", ">", "part", {"LOWER": "part", "DEP": "dobj"}),
                    ("anchor", ">", "subj", {"DEP": "nsubj"}),
                    ("anchor", ">", "in", {"LOWER": "in"}),
                    ("in", ">", "obj", pobj),
                ),
            ],
        ),
        "participate-in-project": (
            "participatesIn",
            [
                dep(
                    {"POS": "VERB"},
                    ("anchor", ">", "subj", {"DEP": "nsubj"}),
                    ("anchor", ">", "in", {"LOWER": {"IN": ["in", "within"]}}),
                    ("in", ">", "obj", {"DEP": "pobj"}),
                ),
            ],
        ),
        "carried-out-at": (
            "participatesIn",
            [
                dep(
                    {
                        "LEMMA": {"IN": ["carry", "conduct", "perform", "run", "test", "hold"]},
                        "TAG": "VBN",
                    },
                    ("anchor", ">", "obj", {"DEP": "nsubjpass"}),
                    ("anchor", ">", "at", {"LOWER": {"IN": ["at", "in"]}}),
                    ("at", ">", "subj", {"DEP": "pobj"}),
                ),
            ],
        ),
    }


def _in_sentence_project(m: DepMatch) -> list[Claim]:
    """'scientists from A', 'A is a partner': the project named here or last before."""
    return spread(m, m.subj, m.pred, sentence_project(m.anchor))


def _participation_noun(m: DepMatch) -> list[Claim]:
    """'with the participation of A': A takes part in the project, or in a financing
    round invests in the company the item is about."""
    if is_financing(m.anchor):
        return _invests(m, m.subj, [])
    return spread(m, m.subj, m.pred, sentence_project(m.anchor))


def _invests(m: DepMatch, investor: Token | None, before: list[Claim]) -> list[Claim]:
    """'The round was led by investor X, with the participation of Y': X and Y invest
    in the company the item is about."""
    about = financed_company(m.anchor)
    if about is None or investor is None:
        return before
    # The company as named, not its appositions ('X, a spin-off of the institute Y' made Y
    # a recipient of the round); only the investors may be a list.
    rule = f"{m.rule}-financing"
    return before + [
        m.claim(about, "fundedBy", o, anchor=m.anchor, rule=rule) for o in expand(investor)
    ]


def _led_by(m: DepMatch) -> list[Claim]:
    """'run by A together with B': both run it; 'led by investor X': X invests; 'It is
    led by Prof. X': heading a working group is a position in it."""
    subj, pred, obj = m.subj, m.pred, passive_subject(m.anchor)
    claims: list[Claim] = []
    if subj is not None and obj is not None:
        partners = [
            g
            for c in subj.children
            if c.lower_ in {"with", "and"} and c.dep_ in {"prep", "cc"}
            for g in c.subtree
            if g.ent_type_ and g.ent_type_ not in {"Place", "Person"}
        ]
        claims.extend(m.claim(extra, pred, obj, anchor=m.anchor) for extra in partners)
    if is_financing(m.anchor):
        return _invests(m, subj, claims)
    if subj is not None and subj.ent_type_ == "Person":
        targets = expand(obj) if obj is not None else []
        # ('The institute is directed by Prof. X': heading a body is a position in it,
        # when the body is named there; in 'A, an institute of B, which is headed by X'
        # the clause may be A's.)
        if targets and (
            targets[0].ent_type_ in {"Cluster", REF}
            or (obj.ent_type_ in {"Institution", "Company"} and not _of_phrase(obj))
        ):
            pred, obj = "affiliatedWith", targets[0]
    return claims + spread(m, subj, pred, obj)


def _direction_of(m: DepMatch) -> list[Claim]:
    """'coordinated by ITCE under the direction of Prof. X': X leads it, for ITCE."""
    verb = m.anchor.head.head
    obj = sentence_project(m.anchor) or passive_subject(verb)
    agent = next(
        (g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"),
        None,
    )
    claims: list[Claim] = []
    if agent is not None and m.subj is not None:
        claims = [m.claim(m.subj, "affiliatedWith", org, conf=0.7) for org in expand(agent)]
    return claims + spread(m, m.subj, m.pred, obj)


def _in_named_project(m: DepMatch) -> list[Claim]:
    """'In the joint project "X", A and B develop ...'; 'the study X is carried out at A':
    only a project (not a funding programme) or an anaphor for one is taken part in."""
    obj = stand_in(m.obj) if m.obj is not None else None
    project = obj is not None and obj.ent_type_ == "Project" and not is_programme(obj)
    anaphor = obj is not None and obj.ent_type_ == REF and any(w in obj.lower_ for w in JOINABLE)
    if not (project or anaphor):
        return []
    return spread(m, m.subj, m.pred, obj)


def _partner_in(m: DepMatch) -> list[Claim]:
    """'A is a partner in X', 'A is one of the partners of X', 'As a partner in X, A
    develops ...': the copula's or the main clause's subject takes part in X (or, for a
    network, is a member)."""
    target = stand_in(m.nodes["obj"])
    if target.ent_type_ not in {"Project", "Cluster"} or is_programme(target):
        return []
    return spread(m, partner_subject(m.anchor), joins(target), target)


def _the_project(m: DepMatch) -> list[Claim]:
    """'the project X, in which A works': the anchor is the project, or the name that
    modifies it ('the X project')."""
    project = stand_in(m.anchor)
    if not project.ent_type_:
        return []
    return spread(m, m.nodes["subj"], m.pred, project)


def joins(target: Token) -> str:
    """Joining a named cluster or network is membership; anything else is taking part
    (`kg.nlp.rules.joint` decides the same way)."""
    return "memberOf" if target.ent_type_ == "Cluster" else "participatesIn"


def _joined_relcl(m: DepMatch) -> list[Claim]:
    """'the project X, which A and B are establishing': A and B take part in X; 'which we
    run together with C': C does too, whoever 'we' are."""
    target = stand_in(m.nodes["obj"])
    if not target.ent_type_:
        return []
    pred = joins(target)
    subj = next((c for c in m.anchor.children if c.dep_ == "nsubj"), None)
    claims = spread(m, subj, pred, target) if subj is not None and subj.ent_type_ else []
    for prep in (c for c in m.anchor.children if c.dep_ == "prep" and c.lower_ == "with"):
        for partner in (g for g in prep.children if g.dep_ == "pobj"):
            claims += spread(m, partner, pred, target)
    if target.ent_type_ == "Institution":
        # 'the X Centre, which A and B are establishing': a body partners set up together
        # (`kg.nlp.rules.joint`); one founder of an institute is no partner in it
        if len({c.s.i for c in claims}) < 2:
            return []
        return [c._replace(joint=True) for c in claims]
    return claims


def _spokesperson(m: DepMatch) -> list[Claim]:
    """'the project "X" (spokesperson: Professor Y)': Y takes part in the project named
    right before the parenthesis (the last name there), nowhere else."""
    person = _spokesperson_named(m.anchor)
    if person is None:
        return []
    start = max(m.anchor.sent.start, m.anchor.i - _SPOKES_REACH)
    named = [t for t in m.doc[start : m.anchor.i] if t.ent_type_]
    project = named[-1] if named else None
    if project is None or project.ent_type_ != "Project" or is_programme(project):
        return []
    return spread(m, person, m.pred, project, subjects=[person])


def _spokesperson_named(noun: Token) -> Token | None:
    """The person a spokesperson noun names: its apposition, or the name right after
    'spokesperson:' (only academic titles between) however the parser hung it."""
    person = next((c for c in noun.children if c.dep_ == "appos" and c.ent_type_ == "Person"), None)
    if person is not None:
        return person
    doc = noun.doc
    if noun.i + 1 >= len(doc) or doc[noun.i + 1].text != ":":
        return None
    for t in doc[noun.i + 2 : min(noun.i + 6, noun.sent.end)]:
        if t.ent_type_ == "Person":
            return t
        if t.ent_type_ or t.is_punct:
            return None
    return None


def _possessive_project(m: DepMatch) -> list[Claim]:
    """ "The University's new research centre, "X"": the owner runs the project the noun
    phrase names (a funding programme is not run by whoever it is 'of')."""
    thing = m.nodes["thing"]
    project = thing if thing.ent_type_ else stand_in(thing)
    if project.ent_type_ != "Project" or project.i == m.anchor.i or is_programme(project):
        return []
    return spread(m, m.anchor, m.pred, project, subjects=[m.anchor])


def _in_named_undertaking(m: DepMatch) -> list[Claim]:
    """'In the network X, A works with B and C': the clause's subject and its partners
    belong to X, when 'In X' opens the sentence."""
    target = m.anchor
    prep = m.nodes.get("in") or opening_in(target)
    if prep is None or prep.i != prep.sent.start or is_programme(target) or is_framework(target):
        return []
    verb = prep.sent.root
    if verb.pos_ not in {"VERB", "AUX"}:
        return []
    pred = joins(target)
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    claims = spread(m, subj, pred, target) if subj is not None else []
    for with_ in (c for c in verb.children if c.dep_ == "prep" and c.lower_ == "with"):
        for partner in (g for g in with_.children if g.dep_ == "pobj"):
            claims += spread(m, partner, pred, target)
    return claims


def _of_phrase(tok: Token) -> bool:
    """'an institute of B': a name inside an 'of' phrase, which a following relative
    clause may describe or not."""
    return tok.dep_ == "pobj" and tok.head.lower_ == "of"


def _with_partners(m: DepMatch) -> list[Claim]:
    """'A runs the project X together with B', 'A is working on X with B': B takes part
    too, when named right after 'with' (not 'with funding from B')."""
    claims = two_ends(m)
    if not claims or m.obj is None:
        return claims
    project = stand_in(m.obj)
    if project.ent_type_ != "Project":
        return claims
    verb = m.anchor
    withs = [c for c in verb.children if c.dep_ == "prep" and c.lower_ == "with"]
    withs += [
        g
        for c in verb.children
        if c.lower_ == "together"
        for g in c.children
        if g.dep_ == "prep" and g.lower_ == "with"
    ]
    partners = [
        t
        for w in withs
        for g in w.children
        if g.dep_ == "pobj" and g.ent_type_ in {"Company", "Institution", "Cluster", "Funder"}
        for t in expand(g)
    ]
    return claims + [m.claim(p, m.pred, project, anchor=verb) for p in partners]


HANDLERS: dict[str, DepHandler] = {
    "participate-verb": _with_partners,
    "participate-agent": _led_by,
    "participate-noun": _participation_noun,
    "participate-from": _in_sentence_project,
    "participant-apposition": _in_sentence_project,
    "participant-copula": _in_sentence_project,
    "partner-in": _partner_in,
    "initiative-of": two_ends,
    "joined-relcl": _joined_relcl,
    "spokesperson-apposition": _spokesperson,
    "in-named-undertaking": _in_named_undertaking,
    "possessive-project": _possessive_project,
    "participate-involved": _in_sentence_project,
    "direction-of": _direction_of,
    "participate-relcl": _the_project,
    "participant-of": two_ends,
    "take-part": two_ends,
    "participate-in-project": _in_named_project,
    "carried-out-at": _in_named_project,
}
INHERITING = frozenset({"participate-verb"})
#: Leading or running a thing: taking part in it, never mere membership.
RUNNING = frozenset({"participate-agent", "participate-verb", "initiative-of", "direction-of"})
