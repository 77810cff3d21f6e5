"""Cross-article resolution: one node per real-world thing across the corpus.

Local entities meet when they share a name key: the same spelling up to accents,
case, spacing and punctuation ("Nordvik34" / "NORDVIK 34"), the same name without its
legal form ("Medi-Log" / "Medi-Log GmbH"), the same words in another order ("Leipzig
University" / "University of Leipzig"), or a spelling listed for one known name.
Keys never cross families, so "Leipzig" (place), "City of Leipzig" (institution)
and "Leipzig University" stay apart. Resolution reads only cached Extractions, so
it can rerun over the whole corpus after re-extracting just the changed articles.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from kg.lexicon import Lexicon, load_lexicon
from kg.model import ENTITY_CLASSES, Entity, Extraction, LocalEntity, Resolution
from kg.names import UnionFind, group_key

if TYPE_CHECKING:
    from kg.config import Config

_FILLER = {"of", "the", "for", "and", "in", "at", "de", "der", "für", "und", "zu"}
_INFLECTED = re.compile(r"[A-ZÄÖÜ][a-zäöüß]{2,}e[rsnm]").fullmatch
_ACRONYM = re.compile(r"^[A-Z0-9][A-Z0-9.\-&]{1,9}$")
#: 'Free State of X', 'Federal State of X' and 'State of X' name one government.
_GOVERNMENT = re.compile(r"^(?:the )?(?:free |federal )?state of ", re.IGNORECASE)


def family(types: Iterable[str]) -> str:
    """Which kinds of entity may ever share a node.

    People never merge with anything else. Organisations, products and the
    model's guesses at places share one family: the same brand is typed a
    product in one article and a company in the next, and an unknown firm name
    is often guessed to be a town. Gazetteer places are keyed apart (see `keys`).
    """
    return "Person" if "Person" in set(types) else "Thing"


def resolve(extractions: Iterable[Extraction], cfg: Config) -> Resolution:
    """Merge the local entities of all articles into corpus-wide entities.

    `extractions` is consumed once, in any order, and nothing of an extraction
    is kept but its names and type votes: a build can feed the extraction
    stream straight in while the model is still running.
    """
    resolver = Resolver(load_lexicon(cfg.lexicon_dir))
    for ex in extractions:
        resolver.add(ex)
    return resolver.finish()


#: A local entity as resolution sees it: its names and its types.
Signature = tuple[tuple[str, ...], tuple[str, ...]]


class Resolver:
    """Union-find over distinct (names, types) signatures joined by shared name keys.

    Two local entities with the same names and types have the same keys, so
    they always end in the same node; working on signatures instead of on
    every (article, entity) pair keeps memory in step with the number of
    distinct names, not with the corpus, and lets `add` take articles in
    whatever order the extraction workers deliver them. The result does not
    depend on that order: the key partition is order-free, and every
    order-sensitive step in `finish` walks signatures by their first
    occurrence in (article id, position) order.
    """

    def __init__(self, lexicon: Lexicon) -> None:
        legal = sorted((f.lower() for f in lexicon.words("legal_forms")), key=len, reverse=True)
        # One search instead of a loop over every legal form for every name.
        self.legal_suffix = re.compile(
            r" (?:" + "|".join(re.escape(f) for f in legal) + r")$", re.IGNORECASE
        )
        self.key_cache: dict[str, str] = {}
        self.known: dict[str, tuple[str, tuple[str, ...]]] = {}
        self.generic = {self.key(w) for w in lexicon.words("generic_name_words")}
        self.body_heads = {w for w, c in lexicon.heads.items() if c in {"Institution", "Cluster"}}
        # 'TU Plauen' is 'Technical University Plauen'; 'Chemical Faculty' and
        # 'Faculty of Chemistry' name one faculty (word bags compare field nouns).
        self.abbreviations = lexicon.mapping("name_abbreviations")
        self.translations = {k.lower(): v for k, v in lexicon.mapping("name_translations").items()}
        self.field_nouns = {k.lower(): v.lower() for k, v in lexicon.mapping("field_nouns").items()}
        self.titles = {t.lower() for t in lexicon.words("person_titles")}
        self.spellings = {k.lower(): v.lower() for k, v in lexicon.mapping("spellings").items()}
        self.places: set[str] = set()
        self.place_words: dict[str, str] = {
            alias.lower(): known.name
            for known in lexicon.places
            for alias in known.aliases
            if " " not in alias and " " not in known.name and not alias.isupper()
        }
        for known in lexicon.all_known():
            for form in (known.name, *known.aliases):
                self.known[self.key(form)] = (known.name, known.classes)
                if known.classes == ("Place",):
                    self.places.add(self.key(form))
        self._ids: dict[Signature, int] = {}
        self._signatures: list[Signature] = []
        self._votes: list[Counter[str]] = []
        self._first: list[tuple[str, int]] = []  # earliest (article id, position) seen
        self._owner: dict[tuple[str, str], int] = {}
        self._groups = UnionFind()

    def add(self, ex: Extraction) -> None:
        """Take one article's local entities; keys are computed once per signature."""
        article = ex.article.id
        for position, ent in enumerate(ex.entities):
            signature = (ent.names, ent.types)
            sid = self._ids.get(signature)
            if sid is None:
                sid = self._ids[signature] = len(self._signatures)
                self._signatures.append(signature)
                self._votes.append(Counter())
                self._first.append((article, position))
                self._groups.add(sid)
                for key in self.keys(ent):
                    other = self._owner.setdefault(key, sid)
                    if other != sid:
                        self._groups.union(other, sid)
            elif (article, position) < self._first[sid]:
                self._first[sid] = (article, position)
            # A cue-typed mention in one article outweighs the model's guesses elsewhere.
            weight = max(1, len(ent.mentions)) * (1 if ent.weak else 100)
            votes = self._votes[sid]
            for cls in ent.types:
                votes[cls] += weight

    def finish(self) -> Resolution:
        """The corpus-wide entities, and which signature went into which."""
        order = sorted(range(len(self._signatures)), key=self._first.__getitem__)
        self._merge_short_names(order)
        self._merge_surnames(order)
        members: dict[int, list[int]] = {}
        for sid in order:
            members.setdefault(self._groups.find(sid), []).append(sid)
        resolution = Resolution()
        for sids in members.values():
            entity = self._entity(sids)
            if entity.id in resolution.entities:
                # Same label and family but no shared key: keep them apart, deterministically.
                seed = "|".join(repr(self._signatures[s]) for s in sids)
                entity = Entity(
                    entity.id + "-" + _digest(seed)[:6],
                    entity.types,
                    entity.label,
                    entity.alt_labels,
                )
            resolution.entities[entity.id] = entity
            for sid in sids:
                resolution.by_signature[self._signatures[sid]] = entity.id
        return resolution

    def _merge_short_names(self, order: list[int]) -> None:
        """'Vireon' in a teaser is 'Vireon Diagnostics GmbH & Co. KG' of the main story.

        Only a distinctive single word, only when exactly one longer name in the
        corpus starts with it, and only when the short name is all its node has
        been called: 'Nordmedic' already known as 'Nordmedic A/S' is that company,
        not its subsidiary 'Nordmedic Germany GmbH'.
        """
        groups = self._groups
        things = [s for s in order if family(self._signatures[s][1]) == "Thing"]
        starts: dict[str, set[int]] = {}
        prefixes: dict[str, set[int]] = {}
        called: dict[int, set[str]] = {}
        for sid in things:
            called.setdefault(groups.find(sid), set()).update(
                self.key(n) for n in self._signatures[sid][0]
            )
            for name in self._signatures[sid][0]:
                words = self.strip_legal(name).split()
                if len(words) >= 2 and not _ACRONYM.match(words[0]):
                    starts.setdefault(self.key(words[0]), set()).add(groups.find(sid))
                for n in range(2, len(words)):
                    if self._unit_after(words, n):
                        break  # 'City of X Office for Y': the office is another body
                    prefixes.setdefault(self.key(" ".join(words[:n])), set()).add(sid)
        for sid in things:
            names, types = self._signatures[sid]
            if "Place" in types and len(types) == 1:
                continue
            forms = {self.key(self.strip_legal(n)): self.strip_legal(n) for n in names}
            if len(forms) != 1:
                continue
            key, form = next(iter(forms.items()))
            first = self.key(form.split()[0]) if form.split() else ""
            if len(key) < 4 or first in self.generic or key in self.places or key in self.known:
                continue
            if len(called.get(groups.find(sid), ())) > 1:
                continue
            pool = starts if len(form.split()) == 1 else prefixes
            roots = {groups.find(r) for r in pool.get(key, set())} - {groups.find(sid)}
            if len(roots) == 1:
                groups.union(roots.pop(), sid)

    def _unit_after(self, words: list[str], n: int) -> bool:
        """Whether words[:n] already name a body and words[n] starts a unit of it:
        'City of X' + 'Office for Y', 'X University' + 'Hospital' (not 'Martin Luther'
        + 'University', which is the start of one name)."""
        return words[n].lower() in self.body_heads and any(
            w.lower() in self.body_heads or self.key(w) in self.places for w in words[:n]
        )

    def _merge_surnames(self, order: list[int]) -> None:
        """'Mr Ostrander' in an interview is 'Anna Ostrander' of another article.

        Within an article the reader already joins a surname to the full name;
        across articles only a person never called more than a surname, and only
        when exactly one person of the corpus has that surname in a full name.
        """
        groups = self._groups
        people = [s for s in order if family(self._signatures[s][1]) == "Person"]
        full: dict[str, set[int]] = {}
        bare: list[tuple[int, str]] = []
        for sid in people:
            stripped = [
                [w for w in n.split() if w.lower() not in self.titles]
                for n in self._signatures[sid][0]
            ]
            if stripped and all(len(words) == 1 for words in stripped):
                surnames = {self.key(words[0]) for words in stripped}
                if len(surnames) == 1 and len(next(iter(surnames))) >= 3:
                    bare.append((sid, surnames.pop()))
                continue
            for words in stripped:
                if len(words) >= 2:
                    full.setdefault(self.key(words[-1]), set()).add(sid)
        for sid, surname in bare:
            roots = {groups.find(s) for s in full.get(surname, set())}
            if len(roots) == 1:
                groups.union(roots.pop(), sid)

    def keys(self, ent: LocalEntity) -> set[tuple[str, str]]:
        """Name keys of one local entity; short unit names ('Medical Faculty') are not keys."""
        fam = family(ent.types)
        keys: set[tuple[str, str]] = set()
        for name in ent.names:
            if len(name.split()) <= 2 and any(
                other.startswith(name + " of ") for other in ent.names if other != name
            ):
                continue
            variants = (
                name,
                self.strip_legal(name),
                self.translate_places(name),
                _GOVERNMENT.sub("State of ", name),
                self.expand(name),
                self.translate(name) if fam == "Thing" else name,
                _uninflected(name) if fam == "Thing" else name,
            )
            for variant in variants:
                key = self.key(variant)
                if not key:
                    continue
                if fam == "Thing" and key in self.places and set(ent.types) <= {"Place", "Cluster"}:
                    keys.add(("Place", key))
                    keys.add(("Place", "known:" + self.known[key][0]))  # 'US' is 'USA'
                    continue
                keys.add((fam, key))
                if key in self.known:
                    keys.add((fam, "known:" + self.known[key][0]))
                if fam == "Thing" and not _ACRONYM.match(variant):
                    words = sorted(
                        self.field_nouns.get(w, w)
                        for w in _words(variant)
                        if w not in _FILLER and w != "s"  # "X University's Faculty"
                    )
                    if len(words) >= 2:
                        keys.add((fam, "bag:" + " ".join(words)))
            if fam == "Thing":
                keys |= self._tail_keys(name)
        return keys

    def _tail_keys(self, name: str) -> set[tuple[str, str]]:
        """'ABC Research Center for X' is the body also called 'Research Centre for X': a
        name of four words or more, and the same name led by an acronym (the short form of
        the body's full name written in front of the rest of it), meet in British or US
        spelling. Only an acronym lead: 'Plauen Centre for X' is another centre."""
        words = name.split()
        if len(words) >= 5 and words[0].isupper() and words[0].isalpha() and len(words[0]) >= 3:
            words = words[1:]
        elif len(words) < 4 or _ACRONYM.match(words[0]):
            return set()
        # 'Faculty of Medicine of X', 'Institute of Y ...': a unit's name repeats across
        # owners, and a lead word would be its owner, not its acronym
        if words[0].lower() in self.body_heads:
            return set()
        spelt = " ".join(self.spellings.get(w.lower(), w.lower()) for w in words)
        return {("Thing", "tail:" + self.key(spelt))}

    def translate(self, name: str) -> str:
        """'Blaues Haus' -> 'blue house': German name words in English, as a translation
        elsewhere in the corpus writes the same building or body."""
        words = name.split()
        if not any(w.lower() in self.translations for w in words):
            return name
        return " ".join(self.translations.get(w.lower(), w) for w in words)

    def expand(self, name: str) -> str:
        """'TU Plauen' -> 'Technical University Plauen': abbreviated name words written out."""
        return " ".join(self.abbreviations.get(w, w) for w in name.split())

    def translate_places(self, name: str) -> str:
        """'OrganoNet Sachsen' is 'OrganoNet Saxony': place words in their gazetteer name."""
        return " ".join(self.place_words.get(w.lower(), w) for w in name.split())

    def strip_legal(self, name: str) -> str:
        match = self.legal_suffix.search(name)
        return name[: match.start()].strip(" ,") if match else name

    def key(self, name: str) -> str:
        """`group_key`, computed once per distinct name of the corpus."""
        found = self.key_cache.get(name)
        if found is None:
            found = self.key_cache[name] = group_key(name)
        return found

    def _entity(self, sids: list[int]) -> Entity:
        names = sorted({n for s in sids for n in self._signatures[s][0]})
        known = next((self.known[self.key(n)] for n in names if self.key(n) in self.known), None)
        votes: Counter[str] = Counter()
        for sid in sids:
            votes.update(self._votes[sid])
        order = {c: i for i, c in enumerate(ENTITY_CLASSES)}
        if (
            "Place" in votes
            and len(votes) > 1
            and not any(self.key(n) in self.places for n in names)
        ):
            del votes["Place"]  # an unknown name guessed to be a town, typed otherwise elsewhere
        main = min(votes, key=lambda c: (-votes[c], order.get(c, 99)))
        if main == "Product" and any(self.strip_legal(n) != n for n in names):
            main = "Company"  # a name with a legal form is a firm, whatever else it sells
        types = {main}
        if "Funder" in votes:
            types.add("Funder")
        if main == "Cluster" and "Institution" in votes:
            types.add("Institution")
        if main == "Institution" and votes["Project"] >= votes["Institution"]:
            # a body partners run together is their undertaking as much as an institute
            # (`kg.nlp.rules.joint`): voted both equally, it is both
            types.add("Project")
        if known:
            types = set(known[1]) | ({"Funder"} if "Funder" in votes else set())
        # The label is the plain name: no acronym, no trademark sign ('FlowSafe', not 'FlowSafe®').
        full = [n for n in names if not _ACRONYM.match(n) and not n.endswith(("®", "™"))] or names
        if "Person" in votes:
            untitled = [n for n in full if n.split()[0].lower() not in self.titles]
            full = untitled or full
        label = (
            known[0]
            if known and known[0] in names
            else max(full, key=lambda n: (len(n), n.lower() != n, n))
        )
        fam = family(types)
        slug = re.sub(r"[^a-z0-9]+", "-", _ascii(label).lower()).strip("-")[:60] or "entity"
        entity_id = f"{slug}-{_digest(fam + ':' + self.key(label))[:8]}"
        alt = tuple(n for n in names if n != label)
        ordered = tuple(sorted(types, key=lambda c: order.get(c, 99)))
        return Entity(id=entity_id, types=ordered, label=label, alt_labels=alt)


def _uninflected(name: str) -> str:
    """'Neuer Markt' and 'Neue Markt': a German adjective's case ending dropped.

    Machine translation keeps German place and building names in whatever case
    the sentence put them ('am Neuen Markt', 'der Alten Messe'); the first word
    of a multi-word name loses an -r/-s/-n/-m after its final -e.
    """
    words = name.split()
    first = words[0] if len(words) >= 2 else ""
    if _INFLECTED(first) and words[1][:1].isupper():
        return " ".join([first[:-1], *words[1:]])
    return name


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[^0-9a-z]+", _ascii(name).lower()) if w]


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
