"""From an annotated Doc to an `Extraction`: local entities and relation facts.

This is where mentions inside one article become entities: acronyms defined in
parentheses, surname-only second mentions, spelling and legal-form variants, and
anaphors ("the working group", "the project") resolved to an antecedent only when
there is exactly one candidate. Cross-article merging happens later, in
`kg.graph.resolve`, from the names collected here.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from kg.model import (
    DEFINING_CLASSES,
    Article,
    Evidence,
    Extraction,
    LocalEntity,
    Mention,
    RelationFact,
)
from kg.names import UnionFind, group_key
from kg.nlp.cues import anaphor_class, strip_legal
from kg.nlp.money import read_fundings
from kg.nlp.owners import OwnedUnit, owned_units
from kg.nlp.rules import settle_predicate
from kg.nlp.signature import Signature, read_signature
from kg.nlp.variants import (
    bracket_acronym_pairs,
    bracket_alias_pairs,
    dash_alias_pairs,
    place_suffix_pairs,
    renamed_pairs,
    surname_variant_pairs,
)

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

    from kg.config import Config

REF = "REF"
_ORG = {"Cluster", "Institution", "Company", "Project", "Funder"}
_TRAILING_MARKS = "®™"
#: Anaphors for something one joins, whatever cue typed its name.
_UNDERTAKING_NOUNS = {"project", "programme", "program", "initiative", "alliance", "consortium"}
_JOINABLE_INTRO = re.compile(r"\b(?:accelerator|alliance|consortium|programme|program|project)\b")
_RECENCY_NOUNS = {"company", "firm", "start-up", "startup", "manufacturer"}
#: Name shapes tested for every mention, compiled once (fullmatch).
_TRAILING_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,6}").fullmatch
_ALL_CAPS = re.compile(r"[A-Z0-9.\-]+").fullmatch
_ORG_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,7}").fullmatch
_SHORT_FORM = re.compile(r"[A-Z0-9][A-Z0-9.\-]{1,9}").fullmatch
_PHONE = re.compile(
    r"^(?:fon|phone|tel|telephone|fax|mobile|e-?mail|mail|web|www|internet)\b[.:]?", re.IGNORECASE
)
#: A possessive inside an organisation's name: what follows is the name of a unit of it.
_POSSESSIVE = re.compile(r"(?<=\w)['\u2019]s\s+(?=[A-Z])")
_CUE_PREFIX = re.compile(
    r"^(?:the\s+)?(?:innovation\s+cluster|research\s+project|joint\s+project|collaborative\s+project|"
    r"working\s+group|cluster|network|alliance|project|initiative|programme|program)\s+",
    re.IGNORECASE,
)


def extract(articles: Iterable[Article], nlp: Language, cfg: Config) -> Iterator[Extraction]:
    """Stream articles through the pipeline in batches; one Extraction per article."""
    reader = DocReader(nlp)
    stream = ((a.text, a) for a in articles)
    for doc, article in nlp.pipe(stream, as_tuples=True, batch_size=cfg.batch_size):
        yield reader.read(doc, article)


class DocReader:
    """Turns one processed Doc into an Extraction; holds only lexicon-derived settings."""

    def __init__(self, nlp: Language) -> None:
        ents = nlp.get_pipe("kg_entities")
        self.titles: set[str] = set(ents.cues.titles)
        self.first_names: frozenset[str] = ents.cues.lex.first_names
        self.unit_heads: set[str] = {
            w for w, c in ents.cues.lex.heads.items() if c in {"Institution", "Cluster"}
        }
        self.legal_lower: set[str] = set(ents.cues.legal_forms)
        self.heads: set[str] = set(ents.cues.lex.heads)
        # Head nouns of German organisation names ('-institut', '-zentrum'); places apart.
        self.german_heads: tuple[str, ...] = tuple(
            h for h, c in ents.cues.compound_heads.items() if c != "Place"
        )
        # Cities only: 'X Plauen' is X in Plauen, 'X Austria' its national subsidiary.
        self.cities: set[str] = set(ents.cities)
        self.anaphors: dict[str, str] = dict(ents.cues.anaphors)
        self.roles: set[str] = {w.lower() for w in ents.cues.lex.words("role_words")}
        self.heads: dict[str, str] = dict(ents.cues.lex.heads)
        self.known: dict[str, tuple[str, ...]] = dict(ents.cues.known)
        self.unit_words: set[str] = {
            w.split()[0] for w in ents.cues.lex.words("unit_heads") if " " not in w
        }
        self.role_tokens: set[str] = {w for r in self.roles for w in r.split()} - {
            "of",
            "the",
            "and",
        }

    def read(self, doc: Doc, article: Article) -> Extraction:
        classes: dict[tuple[int, int], tuple[str, ...]] = doc._.kg_classes or {}
        # Every token with an entity type, in order, without visiting the other tokens
        # (after merge_entities, one token per entity).
        typed = [t for ent in doc.ents for t in ent]
        sig = read_signature(
            article,
            [_tok_key(t) for t in typed if t.ent_type_ == "Person"],
            self.titles,
            self.first_names,
            self.role_tokens,
        )
        tokens = [t for t in typed if not _on_role_line(t, sig, self.unit_heads)]
        groups = UnionFind()
        info: dict[tuple[int, int], tuple[str, tuple[str, ...]]] = {}
        refs: dict[tuple[int, int], str] = {}
        for tok in tokens:
            key = (tok.idx, tok.idx + len(tok.text))
            cls = classes.get(key, (tok.ent_type_,))
            if tok.ent_type_ == REF:
                refs[key] = anaphor_class(tok.text, self.anaphors)
                continue
            info[key] = (tok.text, cls)
            groups.add(key)
        if (
            sig is not None
            and sig.person is not None
            and not any(
                sig.person[0] <= k[0] < sig.person[1]
                for k, (_t, c) in info.items()
                if "Person" in c
            )
        ):
            # A name on a line of its own that the model did not tag, unless a head
            # noun says it names a body ('Kestrel University Plauen').
            text = article.text[sig.person[0] : sig.person[1]]
            if not any(w.lower() in self.heads for w in text.split()):
                info[sig.person] = (text, ("Person",))
                groups.add(sig.person)
        weak = set(doc._.kg_weak or ())
        owned = owned_units(info, self.unit_words, self.heads, self.known)
        for unit in owned:
            if unit.owner not in info:
                info[unit.owner] = (unit.owner_text, unit.owner_classes)
                groups.add(unit.owner)
        self._link_names(info, groups)
        orgs = [k for k, (_t, c) in info.items() if "Person" not in c]
        for a, b in renamed_pairs(article.text, orgs):
            groups.union(a, b)
        places = {k for k, (_t, c) in info.items() if c == ("Place",)}
        for a, b in dash_alias_pairs(article.text, [k for k in orgs if k not in places]):
            groups.union(a, b)
        texts = {k: t for k, (t, c) in info.items() if _family(c) == "Org"}
        for a, b in bracket_acronym_pairs(article.text, texts):
            groups.union(a, b)
        for a, b in bracket_alias_pairs(article.text, texts, self._german_name):
            groups.union(a, b)
        for long_key, short_key in ((a[:2], a[2:]) for a in doc._.kg_acronyms or []):
            if long_key in info and short_key in info:
                groups.union(long_key, short_key)
        extra_names: dict[tuple[int, int], list[str]] = {
            key: [full] for key, full in (doc._.kg_full_names or {}).items() if key in info
        }
        raw = list(doc._.kg_relations or [])
        for rel in raw:
            if rel["names"] and rel["s"] in info and rel["o"] in info:
                between = article.text[rel["s"][1] : rel["o"][0]]  # doc.text re-joins tokens
                if re.fullmatch(r"\s+of\s+the\s+", between):
                    full = article.text[rel["s"][0] : rel["o"][1]]
                    extra_names.setdefault(rel["s"], []).append(full)
        local, key_of = self._entities(article, info, groups, extra_names, weak)
        # 'X is a joint partnership of A and B': X is an undertaking of theirs as well as
        # whatever else it is (an institute), so taking part in it is allowed by its class.
        for key in {rel["o"] for rel in raw if rel["joint"] and rel["o"] in key_of}:
            ent = local[key_of[key]]
            if "Project" not in ent.types:
                local[ent.key] = dataclasses.replace(ent, types=(*ent.types, "Project"))
        antecedent = self._antecedents(article.text, refs, info, key_of)
        relations = self._relations(article, raw, key_of, antecedent, local)
        relations += [
            _settled(r, local, runs=False) for r in self._signature(article, sig, info, key_of)
        ]
        relations += _owned(article, owned, key_of, tokens)
        funded = {r.object for r in relations if r.predicate == "fundedBy" and not r.hedged}
        entities = [
            LocalEntity(
                e.key,
                tuple(sorted(set(e.types) | ({"Funder"} if e.key in funded else set()))),
                e.names,
                e.mentions,
                e.weak,
            )
            for e in local.values()
        ]
        fundings = read_fundings(
            article, list(doc._.kg_fundings or []), key_of, antecedent, relations
        )
        return Extraction(
            article=article,
            entities=entities,
            relations=_dedupe(relations),
            fundings=fundings,
        )

    def _clean(self, text: str, cls: tuple[str, ...]) -> list[str]:
        """Canonical and variant forms of a mention's text."""
        name = " ".join(text.split()).strip(" ,;:")
        names = [name]
        bare = name.rstrip(_TRAILING_MARKS).strip()
        if bare != name:
            names.insert(0, bare)
        if "Person" in cls:
            words = name.split()
            while len(words) > 1 and words[0].lower() in self.titles:
                words = words[1:]
            if len(words) != len(name.split()):
                names.insert(0, " ".join(words))
        words = bare.split()
        if (
            len(words) >= 3
            and _TRAILING_ACRONYM(words[-1])
            and "Person" not in cls
            and words[-1].lower() not in self.legal_lower  # 'AG' is a legal form, not an alias
        ):
            names.extend([" ".join(words[:-1]), words[-1]])
        stripped = _CUE_PREFIX.sub("", bare)
        if stripped != bare and stripped:
            names.append(stripped)
        if names[0].lower().startswith("city of "):
            names[0] = "City of " + names[0][8:]
        return list(dict.fromkeys(names))

    def _german_name(self, name: str) -> bool:
        """'Orlen-Institut für Biologie', 'Kestrel Zentrum': a body's name written in German."""
        words = name.replace("-", " ").split()
        return " für " in f" {name} " or any(
            w[:1].isupper() and w.lower().endswith(self.german_heads) for w in words
        )

    def _link_names(
        self, info: dict[tuple[int, int], tuple[str, tuple[str, ...]]], groups: UnionFind
    ) -> None:
        """Same article, same thing: equal keys, legal-form variants, surnames, 'Brand ACR',
        a name with its city after it, a surname misspelt by one letter."""
        by_key: dict[tuple[str, str], tuple[int, int]] = {}
        persons: list[tuple[tuple[int, int], list[str]]] = []
        for key, (text, cls) in sorted(info.items()):
            family = _family(cls)
            for name in self._clean(text, cls):
                # 'A University's Faculty of Medicine' is later 'the Faculty of Medicine'.
                owned = _POSSESSIVE.split(name, maxsplit=1)[-1] if family == "Org" else name
                variants = {group_key(name), group_key(self._strip_legal(name)), group_key(owned)}
                for variant in variants:
                    if not variant:
                        continue
                    other = by_key.setdefault((family, variant), key)
                    if other != key:
                        groups.union(other, key)
            if family == "Person":
                persons.append((key, self._clean(text, cls)[0].split()))
        for a, b in surname_variant_pairs(persons):
            groups.union(a, b)
        plain = {k: " ".join(t.split()) for k, (t, c) in info.items() if "Person" not in c}
        for a, b in place_suffix_pairs(plain, self.cities):
            groups.union(a, b)
        for key, words in persons:
            if len(words) == 1:
                full = [
                    k for k, w in persons if len(w) > 1 and group_key(w[-1]) == group_key(words[0])
                ]
                if len({groups.find(k) for k in full}) == 1:
                    groups.union(full[0], key)
        # 'the Leibniz Institute' after 'Leibniz Institute for Cellular Biophysics', and
        # 'X' after 'X Cluster of Excellence' whatever class each mention was given.
        orgs = {k: " ".join(t.split()) for k, (t, c) in info.items() if _family(c) == "Org"}
        for key, name in orgs.items():
            if len(name) < 4 or _ALL_CAPS(name):
                continue
            longer = {
                groups.find(k)
                for k, other in orgs.items()
                if other.startswith(name + " ")
                and len(other) > len(name)
                and not self._another_body(name, other)
                and (
                    set(info[k][1]) & set(info[key][1])
                    # a class-changing tail ('X Cluster of Excellence'), never a firm's
                    or (
                        "Company" not in info[k][1] + info[key][1]
                        and self._strip_legal(other) == other
                    )
                )
            }
            if len(longer) != 1:
                continue
            # Only a bare short form joins: 'NeuroCura', already one with 'NeuroCura Inc.',
            # must not also become 'NeuroCura Europe GmbH' and chain parent to subsidiary.
            root = groups.find(key)
            own = {orgs[k] for k in orgs if k != key and groups.find(k) == root}
            if own <= {name}:
                groups.union(longer.pop(), key)
        # 'ORCA' standing alone, or closing a long name ('... Diseases ORCA')
        acronyms = {
            group_key(name): k
            for k, (t, c) in info.items()
            if _family(c) == "Org"
            for name in (t, *self._clean(t, c)[1:])
            if _ORG_ACRONYM(name)
        }
        for key, (text, cls) in info.items():
            words = text.split()
            if _family(cls) == "Org" and len(words) == 2 and group_key(words[1]) in acronyms:
                groups.union(acronyms[group_key(words[1])], key)

    def _another_body(self, short: str, longer: str) -> bool:
        """'X University' and 'X University Hospital': each ends in its own head noun,
        so the longer names another body (the university's hospital), not the same one."""
        rest = longer[len(short) :].split()
        last = short.split()[-1].lower()
        return bool(rest) and last in self.heads and rest[0].lower() in self.heads

    def _strip_legal(self, name: str) -> str:
        """The name without its legal form, case kept (names here are space-normalised)."""
        return name[: len(strip_legal(name.lower(), self.legal_lower))]

    def _entities(
        self,
        article: Article,
        info: dict[tuple[int, int], tuple[str, tuple[str, ...]]],
        groups: UnionFind,
        extra: dict[tuple[int, int], list[str]],
        weak: set[tuple[int, int]],
    ) -> tuple[dict[str, LocalEntity], dict[tuple[int, int], str]]:
        members: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for key in sorted(info):
            members.setdefault(groups.find(key), []).append(key)
        local: dict[str, LocalEntity] = {}
        key_of: dict[tuple[int, int], str] = {}
        for n, keys in enumerate(sorted(members.values())):
            names: list[str] = []
            votes: Counter[tuple[str, ...]] = Counter()
            for key in keys:
                text, cls = info[key]
                names.extend(self._clean(text, cls) + extra.get(key, []))
                # A cue-typed mention outweighs any number of the model's guesses.
                votes[cls] += len(text) * (1 if key in weak else 100)
            types = votes.most_common(1)[0][0]
            unique = list(dict.fromkeys(names))
            is_acr = [bool(_SHORT_FORM(x)) or x.endswith(("®", "™")) for x in unique]
            if "Person" in types:
                is_acr = [
                    a or x.split()[0].lower() in self.titles
                    for x, a in zip(unique, is_acr, strict=True)
                ]
            canonical = max(
                (x for x, a in zip(unique, is_acr, strict=True) if not a),
                key=lambda x: (len(x), -unique.index(x)),
                default=unique[0],
            )
            ordered = [canonical, *[x for x in unique if x != canonical]]
            local_key = f"e{n}"
            local[local_key] = LocalEntity(
                weak=all(k in weak for k in keys),
                key=local_key,
                types=types,
                names=tuple(ordered),
                mentions=tuple(Mention(k[0], k[1], article.text[k[0] : k[1]]) for k in keys),
            )
            for key in keys:
                key_of[key] = local_key
        return local, key_of

    @staticmethod
    def _antecedents(
        text: str,
        refs: dict[tuple[int, int], str],
        info: dict[tuple[int, int], tuple[str, tuple[str, ...]]],
        key_of: dict[tuple[int, int], str],
    ) -> dict[tuple[int, int], str]:
        """'the working group' -> the one working group named before it, if exactly one.

        A candidate introduced with the same noun ('working group "X"', 'the project X')
        beats one that merely shares the class.
        """
        out: dict[tuple[int, int], str] = {}
        starts = {k[0]: k for k in info}
        for ref_key, cls in refs.items():
            gap = re.match(r"[\s\"\u201c\u201d\u201e']*", text[ref_key[1] :])
            named = starts.get(ref_key[1] + (gap.end() if gap else 0))
            if named is not None and cls in info[named][1]:
                out[ref_key] = key_of[named]  # 'the working group "X"' names its referent
                continue
            noun = text[ref_key[0] : ref_key[1]].lower().split()[-1]
            if noun in _RECENCY_NOUNS:
                # 'the company' is the one just talked about, not the first one introduced.
                recent = [
                    k
                    for k, (_t, c) in info.items()
                    if cls in c
                    and ref_key[0] - 400 < k[0] < ref_key[0]
                    and re.search(r"[.!?]\s", text[k[1] : ref_key[0]])
                ]
                if recent:
                    mentions = {
                        key_of[k]: sum(key_of[j] == key_of[k] for j in info) for k in recent
                    }
                    best = max(recent, key=lambda k: (mentions[key_of[k]], k))
                    out[ref_key] = key_of[best]
                continue
            intro = re.compile(re.escape(noun) + r"\s*[\"\u201c\u201d\u201e']?\s*$")
            headed = {
                key_of[k]
                for k in info
                if k[0] < ref_key[0]
                and (
                    noun in text[k[0] : k[1]].lower()
                    or intro.search(text[max(0, k[0] - 40) : k[0]].lower())
                )
            }
            if len(headed) == 1:
                out[ref_key] = headed.pop()
                continue
            before = {key_of[k] for k, (_t, c) in info.items() if k[0] < ref_key[0] and cls in c}
            if len(before) == 1:
                out[ref_key] = before.pop()
            elif not before:
                # An undertaking named before under another cue beats one named only later.
                kin = (
                    _undertakings(text, info, key_of, ref_key[0])
                    if noun in _UNDERTAKING_NOUNS
                    else set()
                )
                after = {key_of[k] for k, (_t, c) in info.items() if cls in c}
                if len(kin) == 1:
                    out[ref_key] = kin.pop()
                elif len(after) == 1:
                    out[ref_key] = after.pop()
        return out

    @staticmethod
    def _relations(
        article: Article,
        raw: list[dict[str, Any]],
        key_of: dict[tuple[int, int], str],
        antecedent: dict[tuple[int, int], str],
        local: dict[str, LocalEntity],
    ) -> list[RelationFact]:
        facts = []
        for rel in raw:
            named = rel["s"] in key_of and rel["o"] in key_of
            s = key_of.get(rel["s"]) or antecedent.get(rel["s"])
            o = key_of.get(rel["o"]) or antecedent.get(rel["o"])
            if s is None or o is None or s == o:
                continue
            start, end = rel["sent"]
            evidence = Evidence(
                sentence=article.text[start:end].strip(),
                start=start,
                end=end,
                rule=rel["rule"],
                confidence=rel["conf"],
            )
            fact = RelationFact(
                subject=s,
                predicate=rel["p"],
                object=o,
                evidence=evidence,
                hedged=rel["hedged"],
                role=rel["role"],
            )
            fact = _settled(fact, local, runs=rel["runs"])
            if named or _ends_allowed(fact, local):
                facts.append(fact)
        return facts

    @staticmethod
    def _signature(
        article: Article,
        sig: Signature | None,
        info: dict[tuple[int, int], tuple[str, tuple[str, ...]]],
        key_of: dict[tuple[int, int], str],
    ) -> list[RelationFact]:
        """A signature block states who holds which position where."""
        if sig is None or sig.person is None:
            return []
        person = next(
            (
                k
                for k, (_t, c) in info.items()
                if "Person" in c and sig.person[0] <= k[0] < sig.person[1]
            ),
            None,
        )
        orgs = sorted(k for k, (_t, c) in info.items() if set(c) & _ORG)
        in_role = [
            k
            for k in orgs
            if sig.role_org_start is not None
            and k[0] >= sig.role_org_start
            and sig.role is not None
            and k[0] < sig.role[1]
        ]
        above = [k for k in orgs if any(a <= k[0] < b for a, b in sig.org_lines)]
        org = in_role[0] if in_role else (above[-1] if above else None)
        if person is None or org is None:
            return []
        role = None
        if sig.role is not None:
            end = sig.role_title_end if in_role and sig.role_title_end else sig.role[1]
            role = article.text[sig.role[0] : end].strip() or None
        start, end = article.signature or (0, 0)
        return [
            RelationFact(
                subject=key_of[person],
                predicate="affiliatedWith",
                object=key_of[org],
                evidence=Evidence(article.text[start:end].strip(), start, end, "signature", 0.9),
                role=role,
            )
        ]


def _owned(
    article: Article,
    owned: list[OwnedUnit],
    key_of: dict[tuple[int, int], str],
    tokens: list[Token],
) -> list[RelationFact]:
    """ "Owner's Unit" named as one entity: the unit is part of the owner (`kg.nlp.owners`)."""
    sents = {_tok_key(t): (t.sent.start_char, t.sent.end_char) for t in tokens}
    facts = []
    for unit in owned:
        s, o = key_of.get(unit.unit), key_of.get(unit.owner)
        if s is None or o is None or s == o or unit.unit not in sents:
            continue
        start, end = sents[unit.unit]
        evidence = Evidence(
            article.text[start:end].strip(), start, end, "name:possessive-owner", 0.8
        )
        facts.append(RelationFact(subject=s, predicate="partOf", object=o, evidence=evidence))
    return facts


def _undertakings(
    text: str,
    info: dict[tuple[int, int], tuple[str, tuple[str, ...]]],
    key_of: dict[tuple[int, int], str],
    before: int,
) -> set[str]:
    """What 'the project' or 'the programme' can mean when no entity has its class.

    The cue that typed the name may differ from the anaphor's noun: 'the research
    alliance "X"' and 'the accelerator Y' are typed as clusters, then called 'the
    project' or 'the programme'. Such a cluster counts only when a joinable noun
    introduces it, so a plain network never becomes 'the project'.
    """
    found: set[str] = set()
    for k, (_t, c) in info.items():
        if k[0] >= before:
            continue
        if "Project" in c or (
            "Cluster" in c and _JOINABLE_INTRO.search(text[max(0, k[0] - 40) : k[1]].lower())
        ):
            found.add(key_of[k])
    return found


def _on_role_line(tok: Token, sig: Signature | None, heads: set[str]) -> bool:
    """Entities on a role line are job titles ('Head of Software Development'), unless
    they follow 'of the' / 'at' there and name the organisation."""
    if sig is None or sig.role is None or not sig.role[0] <= tok.idx < sig.role[1]:
        return False
    names_a_body = any(w in heads for w in tok.lower_.split())
    return sig.role_org_start is None or tok.idx < sig.role_org_start or not names_a_body


def _tok_key(tok: Token) -> tuple[int, int]:
    return (tok.idx, tok.idx + len(tok.text))


def _family(cls: tuple[str, ...]) -> str:
    """Which mentions may name the same thing: a brand is a product here, a company there."""
    if "Person" in cls:
        return "Person"
    if "Place" in cls and not set(cls) & _ORG:
        return "Place"
    return "Org"


def _settled(fact: RelationFact, local: dict[str, LocalEntity], runs: bool) -> RelationFact:
    """The fact with the relation its ends' merged classes call for (`settle_predicate`)."""
    pred, role = settle_predicate(
        fact.predicate, fact.role, local[fact.subject].types, local[fact.object].types, runs
    )
    if (pred, role) == (fact.predicate, fact.role):
        return fact
    return dataclasses.replace(fact, predicate=pred, role=role)


def _ends_allowed(fact: RelationFact, local: dict[str, LocalEntity]) -> bool:
    """Whether a fact's subject has the class its relation calls for by definition.

    The relation rules check the classes of named ends, but a referent ("it",
    "the working group") passes that check as REF and only here has a class:
    "the working group" standing for a cluster cannot hold a position at a
    company as a person does (`DEFINING_CLASSES`, the shapes' violations). Only
    the subject is checked: an object's defining class (a funder, a place, a
    product) is what the relation itself tells resolution, which adds it.
    """
    subject_class = DEFINING_CLASSES.get(fact.predicate, (None, None))[0]
    return subject_class is None or subject_class in local[fact.subject].types


def _dedupe(facts: list[RelationFact]) -> list[RelationFact]:
    """One fact per (subject, predicate, object): asserted beats hedged, then confidence."""
    best: dict[tuple[str, str, str], RelationFact] = {}
    for fact in facts:
        key = (fact.subject, fact.predicate, fact.object)
        old = best.get(key)
        rank = (
            not fact.hedged,
            fact.role is not None,
            fact.evidence.confidence,
        )
        if old is None or rank > (
            not old.hedged,
            old.role is not None,
            old.evidence.confidence,
        ):
            best[key] = fact
    return sorted(best.values(), key=lambda f: (f.evidence.start, f.subject, f.predicate, f.object))
