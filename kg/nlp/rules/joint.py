"""Bodies that partners found or run together: each partner takes part in them.

Real news names a jointly run body and its partners in one breath: 'X is a joint
partnership of A, B and C', 'X, a collaboration between A and B', 'A, B and C have come
together to found X', 'A and B jointly founded X'. Each partner takes part in X (or is a
member of it, for a network). X is often an institute; it is an undertaking of the
partners as well, and its claims say so (`Claim.joint`): the relation component lets
an institution be what they take part in, and the reader types it a project too, as the
real-article conventions do.
"""

from __future__ import annotations

from spacy.tokens import Token

from kg.lexicon import Lexicon
from kg.nlp.referents import stand_in
from kg.nlp.rules.base import Claim, DepHandler, DepMatch, Pattern, dep, spread
from kg.nlp.rules.participation import joins

#: Nouns for a body that several others form together: 'a joint partnership of A and B'.
_JOINT_NOUNS = ["partnership", "collaboration", "consortium", "alliance", "joint venture"]
#: Verbs of founding a new body.
_FOUNDING = ["found", "establish", "create", "launch"]


def patterns(lex: Lexicon) -> dict[str, tuple[str, list[Pattern]]]:
    """name -> (predicate, patterns); the pattern nodes 'subj' and 'obj' are the ends."""
    del lex  # word lists of their own: these constructions are few and fixed
    pobj = {"DEP": "pobj"}
    of_between = {"LOWER": {"IN": ["of", "between"]}}
    return {
        # 'X is a joint partnership of A, B and C', 'X, a collaboration between A and B'
        "partnership-of": (
            "participatesIn",
            [
                dep(
                    {"LEMMA": {"IN": _JOINT_NOUNS}, "DEP": "attr"},
                    ("anchor", "<", "verb", {"LEMMA": "be"}),
                    ("verb", ">", "obj", {"DEP": "nsubj"}),
                    ("anchor", ">", "of", of_between),
                    ("of", ">", "subj", pobj),
                ),
                dep(
                    {"LEMMA": {"IN": _JOINT_NOUNS}, "DEP": "appos"},
                    ("anchor", "<", "obj", {"ENT_TYPE": {"NOT_IN": ["Person", "Place"]}}),
                    ("anchor", ">", "of", of_between),
                    ("of", ">", "subj", pobj),
                ),
            ],
        ),
        # 'A, B and C have come together to found X', 'A and B jointly founded X'
        "founded-together": (
            "participatesIn",
            [
                # (the subject is found by the handler: the parser may end a sentence
                # before 'have come together', leaving the list of founders on its own)
                dep(
                    {"LEMMA": "come"},
                    ("anchor", ">", "together", {"LOWER": "together"}),
                    (
                        "anchor",
                        ">",
                        "verb",
                        {"LEMMA": {"IN": _FOUNDING}, "DEP": {"IN": ["xcomp", "advcl"]}},
                    ),
                    ("verb", ">", "obj", {"DEP": "dobj"}),
                ),
                dep(
                    {"LEMMA": {"IN": _FOUNDING}},
                    ("anchor", ">", "subj", {"DEP": "nsubj"}),
                    ("anchor", ">", "obj", {"DEP": "dobj"}),
                    ("anchor", ">", "how", {"LOWER": {"IN": ["together", "jointly"]}}),
                ),
            ],
        ),
    }


def _partnership(m: DepMatch) -> list[Claim]:
    """'X is a joint partnership of A, B and C': each of them takes part in (or, for a
    network, is a member of) X."""
    if m.obj is None:
        return []
    # 'The X partner site Y is ...': the name modifying the subject noun is the body (the
    # parser may hang a partner of the list on the same noun, after it)
    named = [c for c in m.obj.children if c.dep_ == "compound" and c.ent_type_ and c.i < m.obj.i]
    target = named[0] if named and not m.obj.ent_type_ else stand_in(m.obj)
    # the body is named before the copula, and it is one body ('A, B and C are ...' with
    # the list torn apart by the parser would make the partners partners of each other)
    if not target.ent_type_ or target.ent_type_ == "Place" or target.i > m.anchor.i:
        return []
    claims = spread(m, m.subj, joins(target), target, objects=[target])
    return [c._replace(joint=True) for c in claims if c.s.i != target.i]


def _founders(verb: Token) -> Token | None:
    """The subject of 'have come together': the verb's own, or, where the parser ended the
    sentence right before 'have come', the root of the piece before it ('the partner A,
    B and C | have come together ...')."""
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is not None:
        return subj
    sent = verb.sent
    if sent.start == 0 or sent[0].dep_ != "aux":
        return None
    root = verb.doc[sent.start - 1].sent.root
    return root if root.pos_ in {"NOUN", "PROPN"} else None


def _founded_together(m: DepMatch) -> list[Claim]:
    """'A, B and C have come together to found X', 'A and B jointly established X': each
    takes part in X, which they run together."""
    verb = m.nodes.get("verb", m.anchor)
    together = m.anchor.lemma_ == "come" or any(
        c.lower_ in {"together", "jointly"} for c in verb.children
    )
    target = stand_in(m.nodes["obj"])
    subj = m.nodes.get("subj") or _founders(m.anchor)
    if not together or not target.ent_type_ or subj is None:
        return []
    claims = spread(m, subj, joins(target), target, objects=[target])
    return [c._replace(joint=True) for c in claims if c.s.i != target.i]


HANDLERS: dict[str, DepHandler] = {
    "partnership-of": _partnership,
    "founded-together": _founded_together,
}
INHERITING: frozenset[str] = frozenset()
RUNNING: frozenset[str] = frozenset()
