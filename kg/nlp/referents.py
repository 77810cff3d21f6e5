"""Which entity a token stands for: the referents behind relation patterns.

A pattern matches words, but a fact needs entities at both ends: 'It' is the
previous sentence's subject, 'its subsidiary' belongs to the clause's subject,
'the Dresden company X' is X, 'A, B, a spin-off of C, and D' lists A, B and D,
and 'the partners' join the project the article is about. These functions
answer that from one parsed document after `merge_entities`, where every entity
is a single token.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from kg.nlp.labels import REF

_APPOSITION_OPENERS = {"a", "an", "which", "who", "whose", "that", "where", "while", "its", "their"}
_INTRODUCING = {"establish", "found", "launch", "start", "create", "set", "initiate", "open"}
CLUSTER_NOUNS = ("network", "cluster", "group", "association", "alliance", "accelerator")
_FINANCING = {"round", "financing", "seed", "investor", "series"}
_PROGRAMME_WORDS = ("programme", "program", "horizon", "framework", "funding line")
_RELATIVE = {"which", "that", "who"}
JOINABLE = ("project", "initiative", "programme", "program", "accelerator", "consortium")


def context_entity(tok: Token, classes: tuple[str, ...], nouns: tuple[str, ...]) -> Token | None:
    """The nearest entity of a class (or an anaphor naming it), this or the last sentence."""
    sent = tok.sent

    def fits(t: Token) -> bool:
        return t.ent_type_ in classes or (t.ent_type_ == REF and any(n in t.lower_ for n in nouns))

    here = [t for t in sent if fits(t) and t.i != tok.i]
    if here:
        return min(here, key=lambda t: abs(t.i - tok.i))
    before = [t for t in tok.doc[max(0, sent.start - 80) : sent.start] if fits(t)]
    if not before:
        return None
    # Only the nearest sentence that names one: 'the network founded the working group X.
    # Spokesman of the working group is Y. Founding members include ...' join X.
    before = [t for t in before if t.sent.start == before[-1].sent.start]
    # 'The working group of the network bundles ... Among the first members are X':
    # the previous sentence's subject, not its last noun, is what X joins.
    subjects = [t for t in before if t.dep_ in {"nsubj", "nsubjpass"}]
    return (subjects or before)[-1]


def stand_in(tok: Token) -> Token:
    """The entity a non-entity end stands for.

    'the Dresden company X' (X hangs off 'company'), 'the development of the network'
    (the network), and a subject 'It' (the previous sentence's subject).
    """
    if tok.ent_type_:
        return tok
    if tok.lower_ == "it" and tok.dep_ in {"nsubj", "nsubjpass"}:
        sent = tok.sent
        if sent.start > 0:
            prev = tok.doc[sent.start - 1].sent
            # 'the network established the working group X. It is led by ...': the
            # newly introduced object, not the subject, is what 'it' continues.
            intro = [t for t in prev if t.dep_ == "dobj" and t.head.lemma_ in _INTRODUCING]
            subjects = [t for t in prev if t.dep_ in {"nsubj", "nsubjpass"}]
            for cand in intro + subjects:
                found = cand if cand.ent_type_ else stand_in(cand)
                if found.ent_type_:
                    return found
        return tok
    # 'the EU project "X"': the apposition names it, the compound only modifies it.
    for dep in ("appos", "nmod", "npadvmod", "compound"):
        for c in tok.children:
            if c.ent_type_ and c.dep_ == dep and c.ent_type_ != "Place":
                return c
    for c in tok.children:
        if c.lower_ == "of" and c.dep_ == "prep":
            obj = next((g for g in c.children if g.dep_ == "pobj" and g.ent_type_), None)
            if obj is not None:
                return obj
    return tok


def list_scan(tok: Token) -> list[Token]:
    """Names listed after `tok` when the parser lost the coordination.

    Splits the rest of the sentence at commas, 'and' and 'as well as' and takes
    the first organisation of each item: 'A from Halle, the Leipzig start-up B,
    a spin-off of C, which makes D, the Dutch company E as well as F'. Items that
    open like an apposition or a relative clause ('a spin-off of C', 'which ...')
    describe the previous item and are skipped; a clause with its own verb ends
    the list.
    """
    doc = tok.doc
    # 'the Clinic X at the University Y (Z), the B GmbH and C': the first item may carry a
    # prepositional tail, after which the parser drops the rest of the list.
    if tok.i + 1 >= len(doc) or doc[tok.i + 1].text not in {",", "and", "from", "in", "(", "at"}:
        return []
    items: list[list[Token]] = [[]]
    skip = 0
    # 'The centre, which is set up by A and B, is funded by ...': A and B are in the
    # relative clause that describes tok, not items of a list with it.
    described = {t.i for c in tok.children if c.dep_ in {"relcl", "acl"} for t in c.subtree}
    for t in doc[tok.i + 1 : tok.sent.end]:
        if skip:
            skip -= 1
            continue
        if t.i in described:
            continue
        if t.text in {".", ";", ":", '"'} or t.is_space:
            break
        if t.lower_ == "as" and t.i + 2 < len(doc) and doc[t.i + 1].lower_ == "well":
            items.append([])
            skip = 2  # 'as well as'
        elif t.text == "," or t.lower_ == "and":
            items.append([])
        else:
            items[-1].append(t)
    found: list[Token] = []
    for item in items[1:]:  # items[0] is the rest of tok's own item ('from Halle')
        if not item:
            continue
        first = item[0]
        if first.pos_ in {"VERB", "AUX"}:
            break  # '... and is financed by ...': a new clause, not a list item
        if first.lower_ in _APPOSITION_OPENERS or (first.is_lower and first.lower_ != "the"):
            continue
        for t in item:
            hyphenated = "-" in {doc[t.i - 1].text, doc[min(t.i + 1, len(doc) - 1)].text}
            if t.pos_ in {"VERB", "AUX"} and not hyphenated:
                return found  # a clause of its own: the list is over
            if t.ent_type_ and t.ent_type_ != "Place":
                found.append(t)
                break
    return found


def expand(tok: Token) -> list[Token]:
    """A matched token stands for its whole coordination: 'A, B and C are members'."""
    tok = stand_in(tok)
    while (
        tok.dep_ in {"conj", "appos"}
        and tok.head.i != tok.i
        and (tok.head.ent_type_ or tok.head.dep_ in {"conj", "appos"})
    ):
        tok = tok.head
    out: list[Token] = []
    todo = [tok]
    # A list the parser tore apart: 'A, B and C are ...' with A left dangling; not the
    # object of an opening phrase ('With funding from A, B develops ...').
    i = tok.i
    while (
        i >= 2
        and tok.doc[i - 1].text == ","
        and tok.doc[i - 2].ent_type_
        and tok.doc[i - 2].dep_ != "pobj"
    ):
        todo.append(tok.doc[i - 2])
        i -= 2
    todo.extend(list_scan(tok))
    seen: set[int] = set()
    while todo:
        t = todo.pop()
        if t.i in seen:
            continue
        seen.add(t.i)
        # 'the Leipzig company X, the Y and the Dresden company Z': the list runs
        # through the cue nouns, the names hang off them.
        named = t if t.ent_type_ else stand_in(t)
        if named.ent_type_ and named not in out:
            out.append(named)
        todo.extend(c for c in t.children if c.dep_ in {"conj", "appos"})
    return sorted(out, key=lambda t: t.i)


def verb_subject(verb: Token) -> Token | None:
    """The subject a verb shares with the verb it complements ('X plans to relocate')."""
    t = verb
    for _ in range(3):
        if t.dep_ not in {"xcomp", "conj", "advcl"} or t.head.i == t.i:
            return None
        t = t.head
        subj = next((c for c in t.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subj is not None and subj.lower_ in _RELATIVE and t.dep_ == "relcl":
            # 'X, which intends to relocate ...': the relative clause's antecedent
            return t.head if t.head.ent_type_ else None
        if subj is not None:
            return subj if subj.ent_type_ else None
    return None


def passive_subject(verb: Token) -> Token | None:
    """The patient of a passive verb: its subject, a conjoined verb's, or the modified noun."""
    t = verb
    for step in range(4):
        deps = {"nsubjpass"} if step == 0 else {"nsubjpass", "nsubj"}
        subj = next((c for c in t.children if c.dep_ in deps), None)
        if subj is not None and subj.lower_ in {"which", "that", "who"} and t.dep_ == "relcl":
            return t.head  # 'the study X, which is led by Y': the study
        if subj is not None:
            return subj
        if t.dep_ in {"relcl", "acl"}:
            return t.head
        if t.dep_ != "conj" or t.head.i == t.i:
            return None
        t = t.head
    return None


def owner(tok: Token) -> Token | None:
    """Whom 'its' refers to: the subject of an earlier clause, else of the last sentence."""
    earlier = [
        t
        for t in tok.sent
        if t.i < tok.i
        and t.dep_ in {"nsubj", "nsubjpass"}
        and (t.ent_type_ or stand_in(t).ent_type_)
    ]
    if earlier:
        return earlier[-1] if earlier[-1].ent_type_ else stand_in(earlier[-1])
    return previous_subject(tok)


def previous_subject(tok: Token) -> Token | None:
    """The entity subject of the sentence before `tok`'s."""
    sent = tok.sent
    if sent.start == 0:
        return None
    prev = tok.doc[sent.start - 1].sent
    for t in prev:
        if t.dep_ in {"nsubj", "nsubjpass"}:
            found = t if t.ent_type_ else stand_in(t)
            if found.ent_type_:
                return found
    return None


def clause_subject(tok: Token) -> Token | None:
    """The entity that is the subject of the nearest clause above `tok`."""
    for t in tok.ancestors:
        for c in t.children:
            if c.dep_ in {"nsubj", "nsubjpass"} and c.ent_type_:
                return c
        if t.dep_ == "relcl" and t.head.ent_type_:
            return t.head
    return None


def topic(doc: Doc) -> Token | None:
    """The organisation a news item is about: most mentioned, the title counting double.

    Funding of 'the construction' or 'the foundation' goes to it.
    """
    counts: dict[str, int] = {}
    first: dict[str, Token] = {}
    title_end = next(iter(doc.sents)).end if len(doc) else 0
    for t in doc:
        if t.ent_type_ in {"Company", "Institution", "Project", "Cluster"}:
            key = t.lower_.split()[0]  # 'Lumeqa' and 'Lumeqa Therapeutics GmbH' together
            counts[key] = counts.get(key, 0) + (2 if t.i < title_end else 1)
            first.setdefault(key, t)
    if not counts:
        return None
    best = max(counts, key=lambda k: (counts[k], -first[k].i))
    return first[best]


def is_negated(tok: Token) -> bool:
    """'that are not members of the network': a negation on the fact's word or its verb."""
    return any(c.dep_ == "neg" for t in (tok, tok.head) for c in t.children)


def is_financing(anchor: Token) -> bool:
    """Whether the sentence is about a financing round rather than a project."""
    return any(t.lemma_.lower() in _FINANCING for t in anchor.sent)


def is_programme(tok: Token) -> bool:
    """A funding programme ('Horizon Europe', 'the ZIM programme') is not joined, it pays."""
    before = " ".join(t.lower_ for t in tok.doc[max(0, tok.i - 3) : tok.i])
    return any(w in before or w in tok.lower_ for w in _PROGRAMME_WORDS)


def is_framework(tok: Token) -> bool:
    """A programme something runs under ('as part of Horizon Europe'), not a project to join."""
    t = tok
    for _ in range(4):
        if t.dep_ == "prep" or t.pos_ == "ADP":
            return t.lower_ in {"within", "under", "via", "through", "from"} or (
                t.lower_ == "of" and t.head.lower_ == "part"
            )
        if t.head.i == t.i:
            return False
        t = t.head
    return False


def sentence_project(tok: Token) -> Token | None:
    """What a participant noun joins: a project (or accelerator) here, else the last one."""

    def joinable(t: Token) -> bool:
        if t.ent_type_ == REF:
            return any(w in t.lower_ for w in JOINABLE)
        return (
            (t.ent_type_ == "Project" and not is_programme(t))
            or (t.ent_type_ == "Cluster" and "accelerator" in t.lower_)
        ) and not is_framework(t)

    sent = tok.sent
    here = [t for t in sent if joinable(t) and t.ent_type_ != REF]
    if here:
        return min(here, key=lambda t: abs(t.i - tok.i))
    refs = [t for t in sent if joinable(t)]
    if refs:
        return refs[0]
    prev = [t for t in tok.doc[max(0, sent.start - 120) : sent.start] if joinable(t)]
    return prev[-1] if prev else None


def partner_subject(noun: Token) -> Token | None:
    """Whose role a partner noun names: the subject of the copula it is the attribute of
    ('one of the partners' through 'one'), or of the verb an opening 'As a partner' hangs on."""
    t = noun
    if t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.lower_ == "one":
        t = t.head.head
    if t.dep_ == "attr" and t.head.lemma_ == "be":
        verb = t.head
    elif t.dep_ == "pobj" and t.head.lower_ == "as" and t.head.head.pos_ in {"VERB", "AUX"}:
        verb = t.head.head
    else:
        return None
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    return subj if subj is not None and subj.ent_type_ else None


def opening_in(name: Token) -> Token | None:
    """The 'In' that opens the sentence right before `name` ('In the network X'), only
    articles between them; None when the sentence opens otherwise."""
    first = name.sent[0]
    if first.lower_ not in {"in", "within"} or first.i >= name.i:
        return None
    if any(t.dep_ != "det" and t.pos_ != "DET" for t in name.doc[first.i + 1 : name.i]):
        return None
    return first
