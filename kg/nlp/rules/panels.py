"""Round tables and panels: guests listed each with the body they come from.

Interviews and event reports introduce their speakers in one list, 'with Prof. X,
Institute Y, Dr. Z, Company W (CW), and V, Body U': each person is affiliated with the
body named right after them. A person and an organisation after a comma are a guest
only inside such a list (the next guest follows, or the previous one comes before), so
'Investors include A, Dr. X, Body Y' or a lone 'Anna Roth, Halden GmbH.' state nothing.

A surface family like `kg.nlp.rules.surface`: `patterns` gives the Matcher's token
patterns over entity tokens, `HANDLERS` checks the list around each match.
"""

from __future__ import annotations

from spacy.tokens import Token

from kg.lexicon import Lexicon
from kg.nlp.rules.base import Claim, Pattern, SurfaceHandler, SurfaceMatch

#: What a guest comes from.
_GUEST_BODIES = {"Institution", "Company", "Cluster", "Funder"}


def patterns(lex: Lexicon) -> dict[str, tuple[str, int, int, list[Pattern]]]:
    """name -> (predicate, subject index, object index, patterns) over the entity tokens.

    The pattern ends one token after the body, so the Matcher's windows reach no further
    than the other surface rules' (`kg.nlp.rules.surface.entity_tail`); the rest of the
    list is read by the handler.
    """
    del lex  # the shape is all punctuation and classes
    return {
        "affiliation-panel": (
            "affiliatedWith",
            0,
            1,
            [
                [
                    {"ENT_TYPE": {"IN": ["Person"]}},
                    {"ORTH": ","},
                    {"ENT_TYPE": {"IN": sorted(_GUEST_BODIES)}},
                    {"ORTH": {"IN": [",", ".", ";", "-", "\u2013", "/", "("]}},
                ]
            ],
        ),
    }


def _panel_guest(m: SurfaceMatch) -> list[Claim]:
    """A guest of a list of guests, 'X, Body Y': the next guest follows ('X, Body Y, Z, ...')
    or the previous one's body comes right before ('..., Body W, X, Body Y')."""
    person, body = m.toks[0], m.toks[1]
    claim = [Claim(person, m.pred, body, m.rule, 0.8)]
    doc = person.doc
    # the guest's item ends after the body, its acronym or its brand: 'Body (B)', 'Body/BRAND'
    end = body.i + 1
    if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")":
        end += 3
    elif end + 1 < len(doc) and doc[end].text == "/" and not doc[end + 1].is_title:
        end += 2
    if end < len(doc) and doc[end].text == ",":
        nxt = end + 1
        if nxt < len(doc) and doc[nxt].lower_ == "and":
            nxt += 1
        if nxt < len(doc) and doc[nxt].ent_type_ == "Person":
            return claim
    i = person.i - 1
    if i > 0 and doc[i].lower_ == "and":
        i -= 1
    if i < 1 or doc[i].text != ",":
        return []
    # '..., W, Body V, X', '..., W, Body (B), X', '..., W, Body/BRAND, and X': the body
    # before is itself a guest's ('Investors are A, Dr. X, Body Y' lists no guests)
    for t in reversed(doc[max(0, i - 4) : i]):
        if t.ent_type_ in _GUEST_BODIES:
            return claim if _after_guest(t) else []
        if t.ent_type_ == "Person" or (t.text not in {"(", ")", "/"} and not t.is_upper):
            return []
    return []


def _after_guest(body: Token) -> bool:
    """'Dr. W, Body V': the body comes right after a person and a comma."""
    doc = body.doc
    return body.i >= 2 and doc[body.i - 1].text == "," and doc[body.i - 2].ent_type_ == "Person"


HANDLERS: dict[str, SurfaceHandler] = {"affiliation-panel": _panel_guest}
