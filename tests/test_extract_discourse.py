"""Relations stated across sentences, in lists and in rarer phrasings.

Invented names only: each case fails unless a general mechanism (tokenisation of
titles, list coordination, anaphora, surface cues) carries the fact.
"""

from __future__ import annotations

import pytest
from helpers_extract import facts, run

pytestmark = pytest.mark.model


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        # 'med.' stays with the title, so the sentence is not cut before the name.
        (
            'The research project "KardioNet" is coordinated by Prof. Dr. med. Jolanda Brixner.',
            ("Jolanda Brixner", "participatesIn", "KardioNet"),
        ),
        # The first list item has a prepositional tail; the rest of the list still counts.
        (
            'The joint project "KardioNet" started in May. Partners are the Clinic for Hepatic '
            "Surgery at the University Hospital Wendelstadt (UKW), the Brellwitz Analytik GmbH "
            "and the Saxon Institute for Glycobiology.",
            ("Brellwitz Analytik GmbH", "participatesIn", "KardioNet"),
        ),
        # 'the programme' is the accelerator named before, though its cue typed it a cluster.
        (
            "The accelerator MedLaunch Elbe has selected six start-ups. The programme is funded "
            "by the Elbtal Innovation Fund.",
            ("MedLaunch Elbe", "fundedBy", "Elbtal Innovation Fund"),
        ),
        # A name followed by 'from' and an organisation, whatever the parser attached it to.
        (
            "The Wendelstadt Society for Cell Biology has awarded its prize to Dr. Ilka "
            "Sommerfeld from the Institute for Cell Mechanics of the University of Wendelstadt.",
            (
                "Ilka Sommerfeld",
                "affiliatedWith",
                "Institute for Cell Mechanics of the University of Wendelstadt",
            ),
        ),
    ],
)
def test_relations_beyond_one_clause(nlp, text: str, fact: tuple[str, str, str]) -> None:
    found = facts(run(nlp, text))
    assert fact in found, f"{fact} not in {sorted(found)}"


def test_undertaking_named_before_beats_one_named_later(nlp) -> None:
    """'the project' is the alliance introduced before it, not a name quoted later."""
    found = facts(
        run(
            nlp,
            'The research alliance "OsteoLink" started in March. The Elbtal Innovation Fund '
            "funds the project with 2 million euros. The partners later want to sell the "
            'platform under the name "OsteoScreen".',
        )
    )
    assert ("OsteoLink", "fundedBy", "Elbtal Innovation Fund") in found, sorted(found)
    assert not any(s == "OsteoScreen" for s, _p, _o in found), sorted(found)


def test_investors_named_after_the_round_fund_the_company_that_closed_it(nlp) -> None:
    found = facts(
        run(
            nlp,
            "The Wendelstadt start-up Quellmed GmbH, participant of the accelerator MedLaunch "
            "Elbe, has closed a seed financing round of 3 million euros. Lead investor is the "
            "Karsfeld Capital GmbH; also the Elbtal Innovation Fund participated.",
        )
    )
    assert ("Quellmed GmbH", "fundedBy", "Karsfeld Capital GmbH") in found, sorted(found)
    assert ("Quellmed GmbH", "fundedBy", "Elbtal Innovation Fund") in found, sorted(found)
    # The apposition names where the company takes part, not who got the money.
    assert not any(s == "MedLaunch Elbe" and p == "fundedBy" for s, p, _o in found)


def test_previous_investors_funded_the_company_whose_shares_were_bought(nlp) -> None:
    found = facts(
        run(
            nlp,
            "The American company Hallgren Pharma Inc. has acquired all shares in Trevilo "
            "Diagnostics GmbH. The previous investors, the Elbtal Innovation Fund and the "
            "Karsfeld Ventures GmbH, sell their shares completely.",
        )
    )
    assert ("Trevilo Diagnostics GmbH", "fundedBy", "Karsfeld Ventures GmbH") in found, sorted(
        found
    )
    assert not any(s == "Hallgren Pharma Inc." and p == "fundedBy" for s, p, _o in found)
