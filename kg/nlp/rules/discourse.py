"""Relations whose ends the clause does not name: admissions, study sites, roles, subsidiaries.

The news genre states many facts with one end left to the context:

- 'X has admitted five start-ups into its programme, among them A and B': A and B
  join X, the subject of the clause 'among them' hangs off;
- 'Lead study centre is A; further study centres include B and C': A, B and C take
  part in the study the article is about;
- 'Principal investigator of the study is Prof. Y': Y takes part in the study;
- 'Spokesman of the working group is Prof. Y': Y holds a position in it;
- 'The Leipzig company ... will continue as a wholly owned subsidiary of Y': the
  subject of the verb 'as a subsidiary' hangs off is part of Y;
- 'the new subsidiary X' (no 'of'): X belongs to the company the sentence or the
  last one is about.

`patterns` gives the anchors to `kg.nlp.depmatch`; the handler of each rule (`HANDLERS`)
turns one match into claims for `kg.nlp.relations` to check and add.
"""

from __future__ import annotations

from spacy.tokens import Token

from kg.lexicon import Lexicon
from kg.nlp.labels import REF
from kg.nlp.referents import expand, owner, sentence_project, stand_in, verb_subject
from kg.nlp.rules.base import Claim, DepHandler, DepMatch, Pattern, dep

#: Verbs by which a consortium, project or network is said to consist of its members.
_GATHER_VERBS = ["bring", "unite", "include", "comprise", "involve", "gather", "combine"]
#: Verbs by which a programme or accelerator takes participants in.
_ADMIT_VERBS = ["admit", "accept", "select", "choose", "welcome", "include", "take"]
#: Nouns for a site of a clinical study ('study centre', 'trial site').
_SITE_NOUNS = ["centre", "center", "site"]
_STUDY_WORDS = ["study", "trial"]
_SUBSIDIARY = ["subsidiary", "daughter"]
_ORGS = {"Institution", "Company", "Cluster", "Project", REF}
_JOINED = {"Cluster", "Project", REF}
_RELATIVE = {"which", "that", "who"}
_COMPANY_NOUNS = {"company", "firm", "start-up", "startup", "manufacturer"}
#: Verbs by which an organisation sets up a new site, and the nouns for that site.
_OPENING_VERBS = ["establish", "open", "launch", "set", "build", "found", "inaugurate"]
_NEW_SITE_NOUNS = [
    "centre",
    "center",
    "site",
    "plant",
    "facility",
    "institute",
    "laboratory",
    "lab",
    "office",
    "subsidiary",
    "branch",
    "factory",
    "hub",
]
_QUOTES = {'"', "\u201c", "\u201d", "\u201e", "\u2018", "\u2019", "'"}


def patterns(lex: Lexicon) -> dict[str, tuple[str, list[Pattern]]]:
    """name -> (predicate, patterns); the handlers in `HANDLERS` find the ends."""
    be = {"LEMMA": "be"}
    roles = sorted({r.split()[-1] for r in lex.words("role_words")} - {"partner", "investor"})
    return {
        # 'has admitted five start-ups into its programme, among them A and B'
        "admitted-among": (
            "participatesIn",
            [dep({"LOWER": "among", "DEP": "prep"}, ("anchor", ">", "them", {"LOWER": "them"}))],
        ),
        # 'Lead study centre is A', 'further study centres include B and C'
        "study-site": (
            "participatesIn",
            [
                dep(
                    {"LEMMA": {"IN": _SITE_NOUNS}, "DEP": "nsubj"},
                    ("anchor", ">", "study", {"LOWER": {"IN": _STUDY_WORDS}, "DEP": "compound"}),
                    ("anchor", "<", "verb", {"LEMMA": {"IN": ["be", "include", "comprise"]}}),
                    ("verb", ">", "subj", {"DEP": {"IN": ["attr", "dobj"]}}),
                ),
            ],
        ),
        # 'Principal investigator (of the study) is Prof. Y'; 'Y, ... principal investigator'
        "investigator": (
            "participatesIn",
            [
                dep(
                    {"LEMMA": "investigator", "DEP": "nsubj"},
                    ("anchor", "<", "verb", be),
                    ("verb", ">", "subj", {"DEP": "attr", "ENT_TYPE": "Person"}),
                ),
                dep(
                    {"LEMMA": "investigator", "DEP": {"IN": ["appos", "conj", "attr"]}},
                    ("anchor", "<<", "subj", {"ENT_TYPE": "Person"}),
                ),
            ],
        ),
        # 'Spokesman of the working group is Prof. Y'
        "role-of-is": (
            "affiliatedWith",
            [
                dep(
                    {"LEMMA": {"IN": roles}, "DEP": "nsubj"},
                    ("anchor", ">", "of", {"LOWER": "of"}),
                    ("of", ">", "obj", {"DEP": "pobj", "ENT_TYPE": {"IN": sorted(_ORGS)}}),
                    ("anchor", "<", "verb", be),
                    ("verb", ">", "subj", {"DEP": "attr", "ENT_TYPE": "Person"}),
                ),
            ],
        ),
        # 'will be continued as a wholly owned subsidiary of Y'
        "subsidiary-as": (
            "partOf",
            [
                dep(
                    {"LEMMA": {"IN": _SUBSIDIARY}, "DEP": "pobj"},
                    ("anchor", "<", "as", {"LOWER": "as"}),
                    ("as", "<", "verb", {"POS": {"IN": ["VERB", "AUX"]}}),
                    ("anchor", ">", "of", {"LOWER": "of"}),
                    ("of", ">", "obj", {"DEP": "pobj"}),
                ),
            ],
        ),
        # 'The consortium brings together A, B and C', 'The network includes D and E'
        "brings-together": (
            "participatesIn",
            [
                # (the subject may be a noun the name modifies, or 'It': see the handler)
                dep(
                    {"LEMMA": {"IN": _GATHER_VERBS}},
                    ("anchor", ">", "obj", {"DEP": "nsubj"}),
                    ("anchor", ">", "subj", {"DEP": "dobj"}),
                ),
                dep(
                    {"LEMMA": "consist"},
                    ("anchor", ">", "obj", {"DEP": "nsubj", "ENT_TYPE": {"IN": sorted(_JOINED)}}),
                    ("anchor", ">", "of", {"LOWER": "of"}),
                    ("of", ">", "subj", {"DEP": "pobj"}),
                ),
            ],
        ),
        # 'X has established a new research centre in Z. The Y Centre, which ...'
        "new-site-named": (
            "partOf",
            [
                dep(
                    {"LEMMA": {"IN": _OPENING_VERBS}},
                    ("anchor", ">", "subj", {"DEP": "nsubj", "ENT_TYPE": {"NOT_IN": [""]}}),
                    ("anchor", ">", "site", {"DEP": "dobj", "LEMMA": {"IN": _NEW_SITE_NOUNS}}),
                    ("site", ">", "new", {"LOWER": "new"}),
                ),
            ],
        ),
        # '"Our university has earned this," said Professor Y': Y works there
        "our-speaker": ("affiliatedWith", [dep({"ENT_TYPE": REF})]),
        # 'the newly founded subsidiary X moved ...'
        "the-subsidiary": (
            "partOf",
            [dep({"LEMMA": {"IN": _SUBSIDIARY}}, ("anchor", ">", "det", {"LOWER": "the"}))],
        ),
    }


def relative_antecedent(tok: Token) -> Token:
    """'the working group X, which belongs to Y': 'which' stands for what the clause modifies."""
    if tok.lower_ in _RELATIVE and tok.head.dep_ == "relcl" and tok.head.head.i != tok.head.i:
        return stand_in(tok.head.head)
    return tok


def is_working_group(tok: Token) -> bool:
    """A name introduced as a working group ('the new working group "X"') is a unit, so
    belonging to a cluster makes it part of it rather than a member."""
    before = tok.doc.text[max(0, tok.idx - 30) : tok.idx].lower()
    return "working group" in before or "working group" in tok.lower_


def _claims(m: DepMatch, ends: list[tuple[Token, str, Token]]) -> list[Claim]:
    """Each (subject, predicate, object), the object standing for its list, except a parent."""
    role = m.anchor.text if m.name == "role-of-is" else None
    return [
        m.claim(s, p, o2, conf=0.7, role=role, anchor=m.anchor)
        for s, p, o in ends
        for o2 in (expand(o) if p != "partOf" else [o])
    ]


def _admitted_among(m: DepMatch) -> list[Claim]:
    return _claims(m, _admitted(m.anchor))


def _study_site(m: DepMatch) -> list[Claim]:
    """'Lead study centre is A': A takes part in the study the article is about."""
    project = sentence_project(m.anchor)
    if project is None:
        return []
    return _claims(m, [(s, "participatesIn", project) for s in expand(m.nodes["subj"])])


def _investigator(m: DepMatch) -> list[Claim]:
    """'Principal investigator of the study is Prof. Y': Y takes part in the study."""
    of = next((c for c in m.anchor.children if c.lower_ == "of"), None)
    target = next((stand_in(g) for g in of.children if g.dep_ == "pobj"), None) if of else None
    if target is None or target.ent_type_ not in {"Project", REF}:
        target = sentence_project(m.anchor)
    return [] if target is None else _claims(m, [(m.nodes["subj"], "participatesIn", target)])


def _role_of_is(m: DepMatch) -> list[Claim]:
    """'Spokesman of the working group is Prof. Y': Y holds a position in it."""
    return _claims(m, [(m.nodes["subj"], "affiliatedWith", m.nodes["obj"])])


def _subsidiary_as(m: DepMatch) -> list[Claim]:
    """'will be continued as a wholly owned subsidiary of Y': the verb's subject."""
    verb = m.nodes["verb"]
    subj = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    subj = subj if subj is not None else verb_subject(verb)
    if subj is None:
        return []
    named = stand_in(subj)
    if not named.ent_type_ and subj.lemma_.lower() in _COMPANY_NOUNS:
        named = _last_other_company(subj, m.nodes["obj"]) or named
    return _claims(m, [(named, "partOf", m.nodes["obj"])])


def _brings_together(m: DepMatch) -> list[Claim]:
    """'The consortium brings together A, B and C' (the consortium named a sentence
    before and resolved by the reader), 'The X project brings together ...', 'It
    involves ...': each takes part in it, or is a member of a network. 'together' must
    be there for 'bring'."""
    if m.anchor.lemma_ == "bring" and not any(c.lower_ == "together" for c in m.anchor.children):
        return []
    # 'The X project brings together ...', 'It involves ...': what the subject stands for
    target = stand_in(m.nodes["obj"])
    if target.ent_type_ not in _JOINED:
        return []
    pred = "memberOf" if target.ent_type_ == "Cluster" else "participatesIn"
    members = [t for t in expand(m.nodes["subj"]) if t.ent_type_ in _ORGS - {REF, "Project"}]
    return [m.claim(t, pred, target, conf=0.7, anchor=m.anchor) for t in members]


def _the_subsidiary(m: DepMatch) -> list[Claim]:
    """'the newly founded subsidiary X': X belongs to the company the text is about."""
    anchor = m.anchor
    if any(c.lower_ == "of" or c.dep_ == "poss" for c in anchor.children):
        return []  # 'the subsidiary of Y' names its parent itself
    named = stand_in(anchor)
    if not named.ent_type_ and anchor.dep_ == "compound" and anchor.head.ent_type_:
        named = anchor.head
    parent = owner(anchor)
    if not named.ent_type_ or parent is None or parent.ent_type_ != "Company":
        return []
    return _claims(m, [(named, "partOf", parent)])


def _new_site_named(m: DepMatch) -> list[Claim]:
    """'X has established a new biotechnology centre in Z. The Y Centre, which was opened
    this week, ...': the next sentence opens with the site's name (its head noun is the
    noun that introduced it); that site is X's and is in Z."""
    owner_tok, noun = m.nodes["subj"], m.nodes["site"]
    if owner_tok.ent_type_ not in {"Institution", "Company", "Cluster", "Funder", REF}:
        return []
    sent = noun.sent
    if sent.end >= len(m.doc):
        return []
    following = m.doc[sent.end].sent
    named = next((t for t in following if t.ent_type_), None)
    head = noun.lemma_.lower()
    if (
        named is None
        or named.ent_type_ not in {"Institution", "Company", "Cluster"}
        or named.i - following.start > 2  # 'The Y Centre' opens the sentence
        or not _same_head(named.lower_.split()[-1], head)
    ):
        return []
    claims = [m.claim(named, "partOf", owner_tok, conf=0.7, anchor=m.anchor)]
    places = [
        g
        for t in (noun, m.anchor)
        for c in t.children
        if c.dep_ == "prep" and c.lower_ == "in"
        for g in c.children
        if g.dep_ == "pobj" and g.ent_type_ == "Place"
    ]
    if places:
        claims.append(m.claim(named, "locatedIn", places[0], conf=0.7, anchor=m.anchor))
    return claims


def _same_head(word: str, noun: str) -> bool:
    """'Centre' names a 'center', 'Laboratories' a 'laboratory'."""
    spellings = {"center": "centre", "lab": "laboratory", "labs": "laboratory"}
    word, noun = word.strip(".,"), noun
    return spellings.get(word, word).rstrip("s") == spellings.get(noun, noun).rstrip("s")


def _our_speaker(m: DepMatch) -> list[Claim]:
    """'"We are proud of what our university built," said Rector Professor Y': inside a
    quote, 'our university' is the speaker's own: the one body named before it with that
    head noun (`_ours`), else what the reader resolves the anaphor to, or nothing."""
    ref = m.anchor
    if ref.lower_.split()[0] != "our":
        return []
    sent = ref.sent
    if not any(t.text in _QUOTES for t in m.doc[sent.start : ref.i]):
        return []
    speakers = [
        t
        for t in sent
        if t.ent_type_ == "Person"
        and t.dep_ == "nsubj"
        and (t.head.lemma_.lower() in m.ctx.speech or t.head.lower_ in m.ctx.speech)
        and not any(q.text in _QUOTES for q in m.doc[min(t.i, t.head.i) : max(t.i, t.head.i)])
    ]
    if len(speakers) != 1:
        return []
    return [m.claim(speakers[0], "affiliatedWith", _ours(ref) or ref, conf=0.7)]


def _ours(ref: Token) -> Token | None:
    """The one body named before 'our university' with that noun in its name ('Kiel
    University', 'University of Kiel'; not "Kiel University's Centre for Optics"); None
    when there is no such body or several: the reader decides. A name that only adds
    words to another one ('Kiel University 12/2019') is the same body."""
    noun = ref.lower_.split()[-1]
    named: dict[str, Token] = {}
    for t in ref.doc[: ref.i]:
        if t.ent_type_ in {"Institution", "Company", "Cluster"} and noun in t.lower_.split():
            named.setdefault(t.lower_, t)
    bodies = [
        t for text, t in named.items() if not any(text.startswith(o + " ") for o in named)
    ]
    return bodies[0] if len(bodies) == 1 else None


HANDLERS: dict[str, DepHandler] = {
    "admitted-among": _admitted_among,
    "study-site": _study_site,
    "investigator": _investigator,
    "role-of-is": _role_of_is,
    "subsidiary-as": _subsidiary_as,
    "brings-together": _brings_together,
    "new-site-named": _new_site_named,
    "our-speaker": _our_speaker,
    "the-subsidiary": _the_subsidiary,
}
INHERITING: frozenset[str] = frozenset()
RUNNING: frozenset[str] = frozenset()


def _admitted(among: Token) -> list[tuple[Token, str, Token]]:
    """'X has admitted ... into its programme, among them A and B': A and B join X."""
    verb = next((t for t in among.ancestors if t.pos_ in {"VERB", "AUX"}), None)
    if verb is None or verb.lemma_.lower() not in _ADMIT_VERBS:
        return []
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    joined = stand_in(subj) if subj is not None else None
    if joined is None or joined.ent_type_ not in _JOINED:
        return []
    first = next(
        (
            t
            for t in among.doc[among.i + 2 : among.sent.end]
            if t.ent_type_ and t.ent_type_ not in {"Place", "Person"}
        ),
        None,
    )
    if first is None:
        return []
    named = [t for t in expand(first) if t.i > among.i and t.ent_type_ in _ORGS - {REF}]
    # Taking part in an accelerator or network is membership; in a project, participation.
    pred = "participatesIn" if joined.ent_type_ == "Project" else "memberOf"
    return [(t, pred, joined) for t in named]


def _last_other_company(noun: Token, parent: Token) -> Token | None:
    """'The Leipzig company ... will continue as a subsidiary of Y': the company named
    last before it that is not Y (the one Y just bought), in this or the last sentence."""
    sent = noun.sent
    start = noun.doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
    family = parent.lower_.split()[0]
    before = [
        t
        for t in noun.doc[start : noun.i]
        if t.ent_type_ == "Company" and t.lower_.split()[0] != family
    ]
    return before[-1] if before else None
