"""Cutting a candidate span down to its name: the furniture around names in news text.

A model span or a pattern match often holds more than a name: a determiner or
possessive in front, a quote or line break inside, a verb it ran on into ('X
says'), a role word before a person, an academic title after a university, a
contact line's department after a comma, a spaced dash before 'A X Company'.
`Trimmer.trim` cuts such a span to the name or gives it up; `kg_entities`
calls it for every candidate, so it looks at the span's own tokens only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Doc, Span, Token

from kg.nlp.cues import CueTyper, strip_legal
from kg.nlp.labels import REF
from kg.nlp.spans import QUOTES, whole_compounds

_DASHES = {"-", "\u2013", "\u2014"}
#: Tokens a name stops before (after its first word), and the characters they contain.
_CUTS = {"(", ".", "/", ";", ":"}
_CUT_CHARS = re.compile(r"[\n(./;:]")
#: Words cut from the front and from the end of a candidate name.
_LEADING = {"the", "a", "an", "this", "its", "their"}
#: German words that open a name's complement: 'Institut für X', 'Zentrum der X'.
_GERMAN_OF = {"für", "fuer", "der", "des"}
_GERMAN_REACH = 12
_TRAILING = {"'s", "\u2019s", "and", "of", "for", "in", "at", "with", "by", "from", "to", "on"}
#: Finite verb tags: a name never runs on into its clause's verb ('X says').
_FINITE_TAGS = {"VBZ", "VBD", "VBP", "MD"}
#: German joining words inside names, which the English tagger may call verbs.
_JOINERS = {"und", "für", "der", "die", "das", "zu", "zur", "im", "am"}
_QUOTES = QUOTES


class Trimmer:
    """The cut rules, with the vocabularies they read (built once per pipeline)."""

    def __init__(self, cues: CueTyper, cue_words: set[str]) -> None:
        self.cues = cues
        self.cue_words = cue_words
        # First words of department names ('Communications Office'): after a comma
        # inside a span they start a contact line's department, not the name.
        self.office_words = {n.split()[0] for n in cues.stop_names if n[:1].isalpha()}

    def german_complement(self, doc: Sequence[Token] | Doc, end: int) -> int:
        """Where a German name ending in its head noun ends: after its 'für' complement.

        'Orlen-Institut für Metabolismus-, Adipositas- und Gefäßforschung' is one
        name, which the English model cuts after 'Institut' or at the suspended
        compound 'Metabolismus-'. The complement is capitalised words, suspended
        compounds joined by a comma or 'und', and ends with a whole word; a
        complement that ends on a hyphen is no name and changes nothing. The scan
        stops after `_GERMAN_REACH` tokens, so it is linear on any text.
        """
        if end >= len(doc) or doc[end].lower_ not in _GERMAN_OF:
            return end
        last = doc[end - 1].lower_
        if not doc[end - 1].text[:1].isupper() or not any(
            last.endswith(head) for head in self.cues.compound_heads
        ):
            return end
        stop = min(len(doc), end + 1 + _GERMAN_REACH)
        best, i = end, end + 1
        while i < stop and doc[i].text[:1].isupper() and doc[i].text.rstrip("-").isalpha():
            if doc[i].text.endswith("-"):  # 'Metabolismus-', then ', X' or 'und X'
                if i + 1 < stop and (doc[i + 1].text == "," or doc[i + 1].lower_ == "und"):
                    i += 2
                    continue
                break
            i += 1
            best = i
            if i + 1 < stop and doc[i].lower_ == "und" and doc[i + 1].text[:1].isupper():
                i += 1
        return best

    def trim(
        self, span: Span, text: str, tokens: Sequence[Token] | Doc | None = None
    ) -> Span | None:
        """Cut furniture off a candidate: determiners, possessives, quotes, line breaks.

        `text` is the Doc's text (`doc.text` joins every token's text on each call);
        `tokens` the Doc's tokens as a list, made once per Doc by the caller: `doc[i]`
        makes a new Token object on every call, and this runs for every candidate.
        """
        doc = span.doc
        toks = doc if tokens is None else tokens
        start, end = span.start, span.end
        # Most names hold none of the cut characters: then no token can be a cut, and
        # the scan (two Token objects per word) is skipped.
        if _CUT_CHARS.search(text, span.start_char, span.end_char):
            for i in range(start, end):
                if "\n" in toks[i].text or (toks[i].text in _CUTS and i > start):
                    end = i
                    break
        if not span.label_.startswith("QUOTED"):
            for i in range(start + 1, end):
                if (
                    toks[i].text in _QUOTES
                    and toks[i].text not in {"'", "\u2019"}
                    and toks[i - 1].lower_ not in _LEADING
                ):
                    end = i  # 'Centre \u2018Polymers': a quoted name starts, this one ends
                    break
        start, end = whole_compounds(doc, start, end)
        end = self.german_complement(toks, end)
        for i in range(start + 1, end):
            if toks[i].tag_ in _FINITE_TAGS and toks[i].is_lower and toks[i].lower_ not in _JOINERS:
                if span.label_.startswith("QUOTED"):
                    return None  # a quoted clause is a quotation, not a name
                end = i  # 'Talvi Orrenkamp says': the name ends where the clause goes on
                break
        while start < end:
            first = toks[start]  # one Token object per step, not one per test
            lower = first.lower_
            if not (lower in _LEADING or first.is_punct or first.is_space):
                break
            if lower == "the" and span.label_ == REF:
                break
            start += 1
        if span.label_ in {"PERSON", "ROLE_NAME"}:
            # 'Presidents X Y', 'General Heide X': role words lead into a name, not part of it
            while end - start > 2 and (
                toks[start].lower_ in self.cues.role_tokens
                or toks[start].lower_.rstrip("s") in self.cues.role_tokens
            ):
                start += 1
        if (
            end - start > 2
            and toks[start].lower_ in self.cues.role_tokens
            and toks[start].lower_ not in self.cues.lex.heads
            and toks[start + 1].lower_ == "of"
            and toks[start].is_title
            and self.cues.head_class(doc[start + 2 : end])
        ):
            start += 2  # 'Rector of X University': the office is no part of the name
        if span.label_ not in {"PERSON", "ROLE_NAME"}:
            for i in range(start + 1, end):
                if toks[i].lower_ in self.cues.titles:
                    end = i  # 'X University Dr. Y': an academic title starts a person
                    break
        for i in range(start + 1, end - 1):
            if toks[i].text == "," and toks[i + 1].lower_ in self.office_words:
                end = i  # 'X University, Communications Office': a contact line's department
                break
        if (
            end - start > 2
            and toks[end - 2].text == ","
            and end < len(doc)
            and toks[end].tag_ in _FINITE_TAGS
            and toks[end - 1].lower_.rstrip(".") not in self.cues.legal_forms
        ):
            end -= 2  # 'his firm, Lipoxa, Abel is ...': the word after the comma is a subject
        for i in range(start + 1, end - 1):
            tok = toks[i]
            if tok.text in _DASHES and toks[i - 1].whitespace_ and tok.whitespace_:
                end = i  # 'Larkspur Bio - A Kestrel Company': a spaced dash ends the name
                break
        if (
            end - start > 1
            and toks[end - 1].lower_ == "company"
            and start > 0
            and toks[start - 1].lower_ == "a"
        ):
            end -= 1  # 'Y - A Kestrel Company': Y belongs to Kestrel; the name is Kestrel
        if (
            end - start > 2
            and toks[start + 1].text in {"'s", "\u2019s"}
            and (self.cues.known.get(toks[start].lower_) == ("Place",) or toks[start].is_lower)
        ):
            # "Plauen's OrvaCity": the city owns nothing, it locates; "the university's
            # Medical Faculty": a common noun standing for a body is no part of a name
            start += 2
        while (
            end - start > 1
            and toks[start].lower_ in self.cues.nationalities
            and (
                span.label_ in {"LEGAL", "LIST_Company"}
                or strip_legal(span.text.lower(), self.cues.legal_forms) != span.text.lower()
                # 'the Irish Kestrel Group': a firm's nationality is no part of its name
                or self.cues.lex.heads.get(toks[end - 1].lower_) == "Company"
            )
        ):
            start += 1
        while end > start:
            last = toks[end - 1]
            if not (last.is_punct or last.is_space or last.lower_ in _TRAILING):
                break
            word = last.text
            if (
                word in {".", ")"}
                and end - start > 1
                and (
                    word == "."
                    and toks[end - 2].text.lower() in {"e", "v", "inc", "ltd", "co", "b"}
                )
            ):
                break
            if word in {"®", "™"}:
                break
            end -= 1
        if end < len(doc) and toks[end].text in _QUOTES and not span.label_.startswith("QUOTED"):
            # 'the Elbtal network working group "X"': the cue words belong to X, not to the name
            while end > start and toks[end - 1].lower_ in self.cue_words:
                end -= 1
        if (
            end + 1 < len(doc)
            and toks[end].text in {"am", "im"}
            and toks[end + 1].is_title
            and span.label_ != "PERSON"
            and end - start >= 1
        ):
            end += 2  # 'Ballhalle am Park': German 'at the' inside a venue's name
        if end <= start:
            return None
        return Span(doc, start, end, label=span.label_)
