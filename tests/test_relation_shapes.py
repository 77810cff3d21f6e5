"""Relation shapes of real news that the seed style never used.

Invented names only. Each case is one general mechanism: a town named before a site
noun ('the Halden site of X'), a project's name modifying the noun a relative clause
hangs on ('the X project, in which ...'), a body headed by a person in the passive,
a sentence opening 'In <network>' that the parser misreads, members listed after the
sentence that names the project ('Project partners include', 'It involves'), partner
nouns ('one of the partners of X'), heading or joining a body, an opening phrase's
object kept out of the subject's list, where a person works as press releases say it
('A (Y)', "Y's A", 'took over as head of Y', 'a biologist at Y'), sites and parents
said in passing ('a Y-based company', 'operates a plant in Y', 'belongs to Y'), start-ups
selected for an accelerator or listed as its cohort.
"""

from __future__ import annotations

import pytest
from helpers_extract import facts, run

pytestmark = pytest.mark.model


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # A town before a site noun, then 'of' and the owner.
        (
            "The Halden plant of Brontix GmbH makes enzymes.",
            {("Brontix GmbH", "locatedIn", "Halden")},
            set(),
        ),
        # The owner's possessive before the town and the site noun.
        (
            "Brontix GmbH's new Halden site makes enzymes.",
            {("Brontix GmbH", "locatedIn", "Halden")},
            set(),
        ),
        # The relative clause hangs on 'project'; the name modifying it is the project.
        (
            "The Orlenau Cell project, in which Brontix GmbH and Quorvex AG take part, "
            "started in 2020.",
            {
                ("Brontix GmbH", "participatesIn", "Orlenau Cell project"),
                ("Quorvex AG", "participatesIn", "Orlenau Cell project"),
            },
            set(),
        ),
        (
            "The building is part of the Orlenau Cell project, which Brontix GmbH and "
            "Quorvex AG are establishing.",
            {
                ("Brontix GmbH", "participatesIn", "Orlenau Cell project"),
                ("Quorvex AG", "participatesIn", "Orlenau Cell project"),
            },
            set(),
        ),
        # Heading a named body in the passive is a position in it.
        (
            "The Zelmora Institute is directed by Anna Brill.",
            {("Anna Brill", "affiliatedWith", "Zelmora Institute")},
            set(),
        ),
        # ... but a clause after 'an institute of B' may describe A: no guess.
        (
            "The ZRI, an affiliated institute of the University of Orlenau, which is headed "
            "by Prof. Dr. Anna Brill, develops the sensors.",
            set(),
            {("Anna Brill", "affiliatedWith", "University of Orlenau")},
        ),
        # Members listed in the next sentence: 'partners include', 'participating
        # institutions are', 'It involves', and a project named on its noun.
        (
            "The Orlenau Cell project started in 2020. Project partners include Brontix "
            "GmbH and Quorvex AG.",
            {
                ("Brontix GmbH", "participatesIn", "Orlenau Cell project"),
                ("Quorvex AG", "participatesIn", "Orlenau Cell project"),
            },
            set(),
        ),
        (
            "The Orlenau Cell project started in 2020. Participating institutions are the "
            "Zelmora Institute and the University of Halden.",
            {
                ("Zelmora Institute", "participatesIn", "Orlenau Cell project"),
                ("University of Halden", "participatesIn", "Orlenau Cell project"),
            },
            set(),
        ),
        (
            "The Orlenau Cell project started in 2020. It involves Brontix GmbH and the "
            "University of Halden.",
            {
                ("Brontix GmbH", "participatesIn", "Orlenau Cell project"),
                ("University of Halden", "participatesIn", "Orlenau Cell project"),
            },
            set(),
        ),
        (
            "The Orlenau Cell project, coordinated by the University of Halden, brings "
            "together Brontix GmbH and Quorvex AG.",
            {
                ("Brontix GmbH", "participatesIn", "Orlenau Cell project"),
                ("Quorvex AG", "participatesIn", "Orlenau Cell project"),
            },
            set(),
        ),
        # A company that includes another is no project: nothing to take part in.
        (
            "Brontix GmbH started in 2020. It includes Quorvex AG.",
            set(),
            {("Quorvex AG", "participatesIn", "Brontix GmbH")},
        ),
        # The object of an opening phrase is no item of a list the subject starts.
        (
            "With funding from the Zelmora Foundation, Brontix GmbH develops a sensor.",
            {("Brontix GmbH", "fundedBy", "Zelmora Foundation")},
            {("Zelmora Foundation", "fundedBy", "Brontix GmbH")},
        ),
        # Heading a body in a relative clause; joining a company.
        (
            "Anna Brill, who heads the Zelmora Institute, said the work is done.",
            {("Anna Brill", "affiliatedWith", "Zelmora Institute")},
            set(),
        ),
        (
            "Anna Brill joined Brontix GmbH as chief executive in 2019.",
            {("Anna Brill", "affiliatedWith", "Brontix GmbH")},
            set(),
        ),
        # A partner noun: its copula's subject, through 'one of', or after 'As'.
        (
            "Brontix GmbH is a partner in the Orlenau Cell project. Quorvex AG is one of the "
            "partners of the Halden Sensor project. As a partner in the Orlenau Cell project, "
            "Kolbe AG develops sensors.",
            {
                ("Brontix GmbH", "participatesIn", "Orlenau Cell project"),
                ("Quorvex AG", "participatesIn", "Halden Sensor project"),
                ("Kolbe AG", "participatesIn", "Orlenau Cell project"),
            },
            set(),
        ),
        (
            "Brontix GmbH is a partner in the Halden Biotech Network.",
            {("Brontix GmbH", "memberOf", "Halden Biotech Network")},
            set(),
        ),
        # A town right after a name's acronym: 'the X (XY) Town'.
        (
            "Many firms settle at the Halden Tech Campus (HTC) Bremen. The Zelmora "
            "Institute for Physics (ZIP) Kiel grows.",
            {
                ("Halden Tech Campus", "locatedIn", "Bremen"),
                ("Zelmora Institute for Physics", "locatedIn", "Kiel"),
            },
            set(),
        ),
        # Where a person works, as press releases write it.
        (
            "The region grows. Anna Brill (Brontix GmbH) spoke first. Kolbe AG's Karl Abel "
            "spoke next. Quorvex AG co-founder Ute Ott closed.",
            {
                ("Anna Brill", "affiliatedWith", "Brontix GmbH"),
                ("Karl Abel", "affiliatedWith", "Kolbe AG"),
                ("Ute Ott", "affiliatedWith", "Quorvex AG"),
            },
            set(),
        ),
        (
            "The region grows. Anna Brill has been managing director of Brontix GmbH since "
            "2015. Karl Abel took over as head of the Zelmora Institute in 2020. Ute Ott "
            "became CEO of Kolbe AG in 2019.",
            {
                ("Anna Brill", "affiliatedWith", "Brontix GmbH"),
                ("Karl Abel", "affiliatedWith", "Zelmora Institute"),
                ("Ute Ott", "affiliatedWith", "Kolbe AG"),
            },
            set(),
        ),
        (
            "The region grows. Anna Brill, who founded Brontix GmbH in 2012, spoke first. "
            "The Zelmora Institute's new director, Prof. Karl Abel, spoke next.",
            {
                ("Anna Brill", "affiliatedWith", "Brontix GmbH"),
                ("Karl Abel", "affiliatedWith", "Zelmora Institute"),
            },
            set(),
        ),
        # Any occupation 'at' a body; not a guest there, not a friend 'of' one.
        (
            "The region grows. Anna Brill is a biologist at the Zelmora Institute. Karl "
            "Abel, a physicist at Kolbe AG, spoke next. Ute Ott, a guest at Quorvex AG, "
            "closed. Paul Rahn is a friend of Brontix GmbH.",
            {
                ("Anna Brill", "affiliatedWith", "Zelmora Institute"),
                ("Karl Abel", "affiliatedWith", "Kolbe AG"),
            },
            {
                ("Ute Ott", "affiliatedWith", "Quorvex AG"),
                ("Paul Rahn", "affiliatedWith", "Brontix GmbH"),
            },
        ),
        # Where a body is, and what it belongs to, said in passing.
        (
            "The region grows. Brontix GmbH, a Bremen-based biotech company, develops "
            "sensors. Kolbe AG is a start-up from Kiel. Quorvex AG operates a plant in "
            "Mainz. Tarvel AG is a partner of a firm in Bonn.",
            {
                ("Brontix GmbH", "locatedIn", "Bremen"),
                ("Kolbe AG", "locatedIn", "Kiel"),
                ("Quorvex AG", "locatedIn", "Mainz"),
            },
            {("Tarvel AG", "locatedIn", "Bonn")},
        ),
        (
            "The region grows. Brontix GmbH belongs to Quorvex AG. The Zelmora Institute, "
            "an institute of the University of Kiel, develops sensors.",
            {
                ("Brontix GmbH", "partOf", "Quorvex AG"),
                ("Zelmora Institute", "partOf", "University of Kiel"),
            },
            set(),
        ),
        (
            "The region grows. Brontix GmbH is one of five start-ups selected for the "
            "Halden Accelerator.",
            {("Brontix GmbH", "memberOf", "Halden Accelerator")},
            set(),
        ),
        # Setting up a body makes its founder part of it.
        (
            "The region grows. Professor Anna Brill will set up a new Institute for Sensor "
            "Physics. Karl Abel set up a meeting with Brontix GmbH.",
            {("Anna Brill", "affiliatedWith", "Institute for Sensor Physics")},
            {("Karl Abel", "affiliatedWith", "Brontix GmbH")},
        ),
        # A cohort named after its accelerator: its start-ups join the accelerator.
        (
            "The Halden Accelerator started its second round. The four start-ups of the "
            "second cohort develop sensors and drugs (Brontix GmbH, Quorvex AG and Kolbe "
            "AG).",
            {
                ("Brontix GmbH", "memberOf", "Halden Accelerator"),
                ("Quorvex AG", "memberOf", "Halden Accelerator"),
                ("Kolbe AG", "memberOf", "Halden Accelerator"),
            },
            set(),
        ),
        (
            "The Halden Accelerator started its second round. The second cohort includes "
            "Brontix GmbH and Quorvex AG. Kolbe AG is an alumnus of the Halden Accelerator.",
            {
                ("Brontix GmbH", "memberOf", "Halden Accelerator"),
                ("Quorvex AG", "memberOf", "Halden Accelerator"),
                ("Kolbe AG", "memberOf", "Halden Accelerator"),
            },
            set(),
        ),
        # Partners named with 'with', 'a joint project of', 'a cooperation between'.
        (
            "The region grows. Brontix GmbH launched the Orlenau Cell project together "
            "with Quorvex AG. The Halden Sensor project, a joint project of Kolbe AG and "
            "Tarvel AG, started in 2020. The Kiel Chip project is a collaboration between "
            "Zelmora AG and the University of Kiel.",
            {
                ("Quorvex AG", "participatesIn", "Orlenau Cell project"),
                ("Kolbe AG", "participatesIn", "Halden Sensor project"),
                ("Tarvel AG", "participatesIn", "Halden Sensor project"),
                ("Zelmora AG", "participatesIn", "Kiel Chip project"),
                ("University of Kiel", "participatesIn", "Kiel Chip project"),
            },
            set(),
        ),
        # 'one of the institutes of Y'; "Y's German subsidiary X".
        (
            "The region grows. The Zelmora Institute for Physics, one of 80 institutes of "
            "the Kestrel Society, develops sensors. Quorvex AG's German subsidiary Brontix "
            "GmbH develops sensors. Kolbe AG is one of the partners of Tarvel AG.",
            {
                ("Zelmora Institute for Physics", "partOf", "Kestrel Society"),
                ("Brontix GmbH", "partOf", "Quorvex AG"),
            },
            {("Kolbe AG", "partOf", "Tarvel AG")},
        ),
        # 'the new building' placed later in the paragraph is the body's it was introduced as.
        (
            "The minister opened the new research building of the Zelmora Institute on "
            "Monday. Over 100 guests came. They heard talks. The new building at the Kolbe "
            "Park is designed as a place for ideas.",
            {("Zelmora Institute", "locatedIn", "Kolbe Park")},
            set(),
        ),
        # Two bodies' buildings before it, or none in the paragraph: no guess.
        (
            "The minister opened the new building of the Zelmora Institute and the new "
            "building of Brontix GmbH. The new building at the Kolbe Park is designed as a "
            "place for ideas.\n\nQuorvex AG has a new building too.\n\nThe new building at "
            "the Kolbe Park is large.",
            set(),
            {
                ("Zelmora Institute", "locatedIn", "Kolbe Park"),
                ("Brontix GmbH", "locatedIn", "Kolbe Park"),
                ("Quorvex AG", "locatedIn", "Kolbe Park"),
            },
        ),
    ],
)
def test_relation_shapes(nlp, text, present, absent) -> None:
    got = facts(run(nlp, text), hedged=None)
    assert present <= got, got
    assert not absent & got, got


def test_opening_in_names_the_network_however_it_was_parsed(blank_nlp) -> None:
    """'In the network X established in 2018, A works with B': the parser may make X the
    subject of 'established' instead of the object of 'In'; the opening words still say
    that A and B work in X. A sentence that does not open with 'In' says nothing."""
    from pathlib import Path

    from spacy.tokens import Doc

    from kg.lexicon import load_lexicon
    from kg.nlp.depmatch import AnchoredDependencyMatcher
    from kg.nlp.rules import participation
    from kg.nlp.rules.base import DepMatch, RuleContext

    words = ["the", "Orlenau Network", "established", "in", "2018", ",", "Kolbe AG", "works"]
    words += ["with", "Quorvex AG", "."]
    heads = [1, 2, 7, 2, 3, 7, 7, 7, 7, 8, 7]
    deps = ["det", "nsubj", "ccomp", "prep", "pobj", "punct", "nsubj", "ROOT", "prep", "pobj"]
    deps += ["punct"]
    pos = ["DET", "PROPN", "VERB", "ADP", "NUM", "PUNCT", "PROPN", "VERB", "ADP", "PROPN"]
    pos += ["PUNCT"]
    ents = ["O", "B-Cluster", "O", "O", "O", "O", "B-Company", "O", "O", "B-Company", "O"]
    _pred, patterns = participation.patterns(load_lexicon(Path("data/lexicon")))[
        "in-named-undertaking"
    ]
    ctx = RuleContext(frozenset(), frozenset(), frozenset())

    def claims(opening: str) -> set[tuple[str, str, str]]:
        doc = Doc(
            blank_nlp.vocab,
            words=[opening, *words],
            heads=[3, *(h + 1 for h in heads)],
            deps=["prep", *deps],
            pos=["ADP", *pos],
            lemmas=[opening.lower(), *(w.lower() for w in words)],
            ents=["O", *ents],
        )
        matcher = AnchoredDependencyMatcher(blank_nlp.vocab)
        for i, pattern in enumerate(patterns):
            matcher.add(f"p{i}", pattern)
        out = set()
        for match_id, ids in matcher(doc):
            pattern = patterns[int(blank_nlp.vocab.strings[match_id][1:])]
            nodes = {p["RIGHT_ID"]: doc[i] for p, i in zip(pattern, ids, strict=True)}
            match = DepMatch("in-named-undertaking", "participatesIn", pattern, nodes, ctx)
            handler = participation.HANDLERS["in-named-undertaking"]
            out |= {(c.s.text, c.p, c.o.text) for c in handler(match)}
        return out

    assert claims("In") == {
        ("Kolbe AG", "memberOf", "Orlenau Network"),
        ("Quorvex AG", "memberOf", "Orlenau Network"),
    }
    assert claims("Since") == set()


@pytest.mark.parametrize(
    ("text", "university"),
    [
        # One university named before the quote: the speaker's, whatever else is named
        # with the word inside it ("Kiel University's Centre for Optics").
        (
            "Kiel University won three awards. Kiel University\u2019s Centre for Optics led "
            "one. \u201cThis is a great day for our university,\u201d commented Rector "
            "Professor Anna Brill.",
            "Kiel University",
        ),
        # Two universities named before it: nobody's guess.
        (
            "The University of Kiel won. The Kolbe University of Applied Sciences lost. "
            "\u201cThis is a great day for our university,\u201d commented Rector Professor "
            "Anna Brill.",
            None,
        ),
    ],
)
def test_our_university_is_the_one_named_before(nlp, text, university) -> None:
    found = facts(run(nlp, text), hedged=None)
    got = {o for s, p, o in found if s == "Anna Brill" and p == "affiliatedWith"}
    assert got == ({university} if university else set()), got


def test_a_loose_opening_name_owns_the_headquarters_of_a_later_clause(blank_nlp) -> None:
    """'X has been located at the site and moved into its headquarters in Y', with X left
    loose ('meta') by the parser: the headquarters in Y are still X's; a loose name that
    does not open the sentence owns nothing."""
    from pathlib import Path

    from spacy.tokens import Doc

    from kg.lexicon import load_lexicon
    from kg.nlp.depmatch import AnchoredDependencyMatcher
    from kg.nlp.rules import location
    from kg.nlp.rules.base import DepMatch, RuleContext

    words = ["Brontix", "has", "been", "located", "there", "and", "moved", "into", "its"]
    words += ["headquarters", "in", "the", "BioCrate", "."]
    heads = [3, 3, 3, 3, 3, 3, 3, 6, 9, 7, 9, 12, 10, 3]
    deps = ["meta", "aux", "auxpass", "ROOT", "advmod", "cc", "conj", "prep", "poss", "pobj"]
    deps += ["prep", "det", "pobj", "punct"]
    ents = ["B-Company", *["O"] * 11, "B-Place", "O"]
    _pred, patterns = location.patterns(load_lexicon(Path("data/lexicon")))["located-headquarters"]
    ctx = RuleContext(frozenset(), frozenset(), frozenset())

    def claims(prefix: list[str], prefix_dep: list[str]) -> list[tuple[str, str, str]]:
        n = len(prefix)
        doc = Doc(
            blank_nlp.vocab,
            words=[*prefix, *words],
            heads=[3 + n] * n + [h + n for h in heads],
            deps=[*prefix_dep, *deps],
            lemmas=[*prefix, *(w.lower() for w in words)],
            ents=["O"] * n + ents,
        )
        matcher = AnchoredDependencyMatcher(blank_nlp.vocab)
        for i, pattern in enumerate(patterns):
            matcher.add(f"p{i}", pattern)
        out = []
        for match_id, ids in matcher(doc):
            pattern = patterns[int(blank_nlp.vocab.strings[match_id][1:])]
            nodes = {p["RIGHT_ID"]: doc[i] for p, i in zip(pattern, ids, strict=True)}
            match = DepMatch("located-headquarters", "locatedIn", pattern, nodes, ctx)
            handler = location.HANDLERS["located-headquarters"]
            out += [(c.s.text, c.p, c.o.text) for c in handler(match)]
        return out

    assert claims([], []) == [("Brontix", "locatedIn", "BioCrate")]
    assert claims(["Today"], ["npadvmod"]) == []
