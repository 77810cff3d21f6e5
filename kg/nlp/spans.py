"""Where one candidate span holds two names, or half of one: the span repairs.

A model span or a cue match often covers 'the Leipzig Helmholtz Institute' (a
place and a name), 'Medical Faculty of the University of X' (a unit and its
parent), 'A Hospital and B Heart Center' (two bodies), or only 'Wittenberg' of
'Halle-Wittenberg'. These functions cut or widen such spans; `kg_entities`
calls them once per Doc, so they look at a span's own tokens only.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from kg.nlp.cues import CueTyper

#: Quote marks around a name, and the marks after which a quoted subtitle starts.
QUOTES = ['"', "\u201c", "\u201d", "\u201e", "\u00ab", "\u00bb", "'", "\u2018", "\u2019"]
SUBTITLE_MARKS = {"\u2013", "\u2014", ":"}
_NAME_MATCH = re.compile(r"^(?:[A-ZÄÖÜ0-9]|[a-zäöüß]+[A-Z0-9])").match


def split_place_prefix(cues: CueTyper, spans: list[Span]) -> list[Span]:
    """'the Leipzig Helmholtz Institute' is an institute located in a place, not one name.

    Only when the rest is a name of its own: 'Halle University Hospital' keeps its city.
    """
    out: list[Span] = []
    for span in spans:
        first = span[0]
        doc = span.doc
        city = span.start + 2 if first.lower_ == "city" and span[1:2].text.lower() == "of" else -1
        if city < 0 and span.start >= 2 and doc[span.start - 2 : span.start].text == "City of":
            city = span.start  # the model left 'City of' out of the span
        if (
            city >= 0
            and city + 1 < span.end
            and cues.known.get(doc[city].lower_) == ("Place",)
            and cues.head_class(doc[city + 1 : span.end])
        ):
            # 'City of X Office for Y': the city's government and its office, two bodies
            out.append(Span(doc, city - 2, city + 1, label="CITY"))
            rest = Span(doc, city + 1, span.end, label=span.label_)
            out.append(rest)
            doc._.kg_full_names[(rest.start_char, rest.end_char)] = doc[city - 2 : span.end].text
            continue
        if (
            len(span) > 2
            and cues.known.get(first.lower_) == ("Place",)
            and span[1].text != "-"  # 'Plauen-Reusa': one written word, a district
            and span.label_ in {"HEAD", "LEGAL", "ORG", "FAC"}
            and span[1].lower_ not in cues.lex.heads  # 'Leipzig University ...' keeps its city
            and any(
                t.is_title and t.lower_ not in cues.lex.heads and not t.is_stop
                for t in span[1:]
                if t.lower_ not in {"for", "of", "and"}
            )
        ):
            doc = span.doc
            out.append(Span(doc, span.start, span.start + 1, label="GPE"))
            rest = Span(doc, span.start + 1, span.end, label=span.label_)
            out.append(rest)
            # The name as written stays a name of the organisation.
            doc._.kg_full_names[(rest.start_char, rest.end_char)] = span.text
        else:
            out.append(span)
    return out


def split_of_the(
    cues: CueTyper, spans: list[Span], known_spans: list[tuple[int, int]]
) -> list[Span]:
    """'Medical Faculty of the University of X' names two bodies, one inside the other."""
    out: list[Span] = []
    for span in spans:
        cut = next(
            (
                t.i
                for t in span[1:-2]
                if t.lower_ == "of" and t.nbor(1).lower_ == "the" and t.nbor(2).is_title
            ),
            None,
        )
        if (
            cut is not None
            and cues.in_job_title(span.doc[span.start : cut])
            and span.doc[cut + 2 : span.end].text.lower().startswith("city of ")
        ):
            # 'Mayor for Urban Planning of the City of X': a portfolio, then the body
            out.append(Span(span.doc, cut + 2, span.end, label="CITY"))
            continue
        if (
            cut is not None
            and cues.head_class(span.doc[span.start : cut])
            and (
                cues.head_class(span.doc[cut + 2 : span.end])
                or span.doc[cut + 2 : span.end].text.lower() in cues.known
            )
        ):
            out.append(Span(span.doc, span.start, cut, label="HEAD"))
            # A known name may run on past the span: '... of the Martin Luther
            # University Halle-Wittenberg' keeps its full name.
            end = max([span.end, *(e for s, e in known_spans if s == cut + 2)])
            out.append(Span(span.doc, cut + 2, end, label="HEAD"))
        else:
            out.append(span)
    return out


def attach_city(cues: CueTyper, spans: list[Span], cities: set[str]) -> list[Span]:
    """'Technical University' + 'Plauen': a name ending in a head noun, then its city.

    The model often ends an organisation's span before the city that is part of
    its name ('the Faculty of Chemistry of the Technical University Plauen'); a city
    right after a head noun, with no name going on after it, belongs to the name.
    """
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        doc = span.doc
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.end == span.start
            and len(span) == 1
            and span[0].lower_ in cities
            and prev[-1].lower_ in cues.lex.heads
            and prev.label_ != "REF"
            and (span.end == len(doc) or not doc[span.end].is_title)
        ):
            out[-1] = Span(doc, prev.start, span.end, label=prev.label_)
            continue
        out.append(span)
    return out


def split_coordination(cues: CueTyper, spans: list[Span]) -> list[Span]:
    """'A University Hospital and B Heart Center': two named bodies, not one.

    A name may hold 'and' or a comma ('Institute for Cell Therapy and
    Immunology'); it names two bodies only when both sides have a head noun
    of their own and the right side starts a new capitalised name.
    """
    out: list[Span] = []
    for span in spans:
        pending = span
        while True:
            cut = next(
                (
                    t.i
                    for t in pending[2:-2]
                    if t.lower_ in {"and", ",", "und", "&"}
                    and t.nbor(1).is_title
                    and cues.head_class(pending.doc[pending.start : t.i])
                    and cues.head_class(pending.doc[t.i + 1 : pending.end])
                    and any(
                        cues.known.get(w.lower_) == ("Place",)
                        for w in pending.doc[t.i + 1 : pending.end]
                    )
                    and not cues.known.get(pending.text.lower())
                ),
                None,
            )
            if cut is None:
                out.append(pending)
                break
            out.append(Span(span.doc, pending.start, cut, label=pending.label_))
            pending = Span(span.doc, cut + 1, pending.end, label=pending.label_)
    return out


def whole_compounds(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Widen a span to whole hyphenated words: 'q-Bitex', 'Halle-Wittenberg', 'Plauen-Haselbrunn'.

    The tokenizer splits at hyphens and the model often tags only one part; a
    name never starts or ends inside a written compound. Only a capitalised part
    joins on the right ('Leipzig-based' stays 'Leipzig').
    """
    while (
        start >= 2
        and doc[start].text[:1].isupper()
        and doc[start - 1].text == "-"
        and not doc[start - 1].whitespace_
        and not doc[start - 2].whitespace_
        and doc[start - 2].is_alpha
    ):
        start -= 2
    while (
        end + 1 < len(doc)
        and doc[end].text == "-"
        and not doc[end - 1].whitespace_
        and not doc[end].whitespace_
        and doc[end + 1].is_alpha
        and doc[end + 1].text[:1].isupper()
    ):
        end += 2
    return start, end


def listed_places(cues: CueTyper, words: Span) -> list[Span]:
    """The unknown members of a list of one-word names that are mostly known places.

    'four institutes in Plauen, Orlenbach, Orlenau and Pirna': members
    of one list are things of one kind; when at least two of them and more than
    half are gazetteer places, an unknown member is a place too.
    """
    members = [t for t in words if t.is_alpha and t.lower_ not in {"and", "or"}]
    known = [t for t in members if cues.known.get(t.lower_) == ("Place",)]
    if len(known) < 2 or 2 * len(known) <= len(members):
        return []
    doc = words.doc
    return [
        Span(doc, t.i, t.i + 1, label="LISTED_PLACE")
        for t in members
        if not cues.known.get(t.lower_) and not cues.known_exact.get(t.text)
    ]


def list_members(doc: Doc, i: int, label: str) -> list[Span]:
    """Names in 'the companies A, B and C': the cue noun types the whole list."""
    members: list[Span] = []
    start = None
    while i < len(doc) and i - (members[-1].end if members else i) <= 2:
        tok = doc[i]
        is_name = (
            bool(_NAME_MATCH(tok.text))
            or tok.pos_ == "PROPN"
            or (start is not None and tok.text in {"&", "-", "."})
        )
        if is_name and not tok.is_stop:
            start = i if start is None else start
        else:
            if start is not None:
                members.append(Span(doc, start, i, label=label))
                start = None
            if tok.text not in {",", "and", "as", "well", "or"}:
                break
        i += 1
    if start is not None:
        members.append(Span(doc, start, i, label=label))
    return members


def unquote(span: Span) -> Span:
    """Keep the name inside the quotes: 'working group "X"' names X."""
    toks = [t for t in span if t.text in QUOTES]
    if len(toks) >= 2 and toks[-1].i > toks[0].i + 1:
        end = toks[-1].i
        # '"NAME \u2013 a subtitle"': the name is what comes before the dash
        dash = next((t.i for t in span.doc[toks[0].i + 2 : end] if t.text in SUBTITLE_MARKS), None)
        return Span(span.doc, toks[0].i + 1, dash or end, label=span.label_)
    return span


#: Small words a title-case headline leaves lower-case.
_HEADLINE_SMALL = {
    "a",
    "an",
    "the",
    "and",
    "or",
    "but",
    "of",
    "for",
    "in",
    "on",
    "at",
    "to",
    "with",
    "by",
    "from",
    "as",
    "into",
    "over",
    "after",
    "before",
    "about",
    "via",
    "vs",
    "is",
    "are",
}


def headline_lines(text: str) -> list[tuple[int, int]]:
    """The character range of the article's title line when it is written in title case.

    In a title-case headline every word is capitalised, so capitals no longer
    mark where a name ends: 'Kestrel Labs Extend Partnership' reads like one
    company. Only the first line counts (an article's title; lines further down
    are often signature blocks run together, 'Kestrel Labs e. V. Dr. Jana Ost'),
    and only when it has no sentence end, a small joining word (or six words),
    at least three other words, and nearly all of those start with a capital.
    """
    line = text.split("\n", 1)[0]
    body = line.strip()
    words = [w for w in body.split() if any(c.isalpha() for c in w)]
    if not 3 <= len(words) <= 20 or body.endswith((".", "!", "?", ";", ",")):
        return []
    content = [w for w in words if w.lower() not in _HEADLINE_SMALL]
    capital = sum(1 for w in content if w.lstrip("\"'\u201c\u201e(")[:1].isupper())
    # A line that is one name ('Kestrel Labs Plauen') has no joining word; a
    # headline of that length has one.
    joined = len(content) < len(words) or len(words) >= 6
    if joined and len(content) >= 3 and capital >= 0.8 * len(content):
        return [(0, len(line))]
    return []


def headline_only(spans: list[Span], lines: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """Spans of a title-case headline that the article's body never names.

    In title case a span may run over into the headline's other capitalised
    words ('Kestrel Labs Extend Partnership') or be a phrase that only looks
    like a name ('For a Healthier Society: ...'); a real name of the story is
    named again in its body, and that mention is kept.
    """
    doc = spans[0].doc if spans else None
    if doc is None or not lines:
        return set()
    text = doc.text
    body, last = [], 0
    for start, end in lines:
        body.append(text[last:start])
        last = end
    body.append(text[last:])
    flat = " ".join(" ".join(body).split())
    out: set[tuple[int, int]] = set()
    for span in spans:
        key = (span.start_char, span.end_char)
        if not any(a <= key[0] and key[1] <= b for a, b in lines):
            continue
        if not _names_word(flat, " ".join(span.text.split())):
            out.add(key)  # a headline-only name the body never takes up
    return out


def _names_word(text: str, phrase: str) -> bool:
    """Whether `phrase` occurs in `text` as whole words ('Kestrel Labs,' counts)."""
    at = text.find(phrase)
    while at >= 0:
        end = at + len(phrase)
        before_ok = at == 0 or not text[at - 1].isalnum()
        if before_ok and (end == len(text) or not text[end].isalnum()):
            return True
        at = text.find(phrase, at + 1)
    return False
