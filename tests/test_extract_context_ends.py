"""Facts whose second end the clause leaves to the context (kg.nlp.rules.discourse).

Invented names only: each case fails without the mechanism named in its comment.
"""

from __future__ import annotations

import pytest

from kg.config import Config
from kg.model import Article, Extraction
from kg.nlp.reader import extract

pytestmark = pytest.mark.model


def facts(nlp, text: str) -> set[tuple[str, str, str]]:
    text = f"Invented news\n\n{text}"
    article = Article.create(title="Invented news", text=text, source="t.txt", position=0)
    ex: Extraction = next(extract([article], nlp, Config()))
    label = {e.key: e.names[0] for e in ex.entities}
    return {(label[r.subject], r.predicate, label[r.object]) for r in ex.relations if not r.hedged}


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        # 'among them' joins the subject of the admitting clause.
        (
            "The Wendelstadt Start Accelerator (WSA) in Dresden has admitted four new start-ups "
            "into its programme, among them the Brellwitz Analytik GmbH from Chemnitz and the "
            "Leipzig company Quellmed GmbH.",
            ("Quellmed GmbH", "memberOf", "Wendelstadt Start Accelerator"),
        ),
        # Study sites take part in the study named before.
        (
            'The clinical study "KARDIO-3" tests the therapy in 90 patients. Lead study centre '
            "is the Wendelstadt University Hospital; further study centres include the Karsfeld "
            "Heart Centre and the Medical University of Elbtal.",
            ("Medical University of Elbtal", "participatesIn", "KARDIO-3"),
        ),
        # The principal investigator takes part in the study.
        (
            'The clinical study "KARDIO-3" tests the therapy in 90 patients. Principal '
            "investigator is Prof. Dr. Jolanda Brixner.",
            ("Jolanda Brixner", "participatesIn", "KARDIO-3"),
        ),
        # 'continued as a subsidiary of Y': 'the company' is the one just bought.
        (
            "Hallgren Pharma Inc., based in Boston, has acquired all shares in Trevilo GmbH. "
            "The Leipzig company, which develops rapid tests, will be continued as a wholly "
            "owned subsidiary of Hallgren.",
            ("Trevilo GmbH", "partOf", "Hallgren Pharma Inc."),
        ),
        # 'the new subsidiary X' without 'of': the company the sentence is about.
        (
            "The Radebeul pharmaceutical company Quellmed Pharma SE expands into biotechnology: "
            "the newly founded subsidiary Quellmed Biologics GmbH moved into its new site.",
            ("Quellmed Biologics GmbH", "partOf", "Quellmed Pharma SE"),
        ),
    ],
)
def test_context_supplies_the_other_end(nlp, text: str, fact: tuple[str, str, str]) -> None:
    found = facts(nlp, text)
    assert fact in found, f"{fact} not in {sorted(found)}"


def test_members_join_the_working_group_just_founded_not_the_network(nlp) -> None:
    """The nearest sentence naming a group decides; 'which belongs to' makes a unit part."""
    found = facts(
        nlp,
        'At the same time, the network founded in Leipzig the new working group "Cell '
        'Imaging", which belongs to the innovation cluster Elbtal Medical Devices. Spokesman '
        "of the working group is Prof. Dr. Jolanda Brixner from the Saxon Institute for "
        "Glycobiology. Founding members include the Brellwitz Analytik GmbH and the "
        "Wendelstadt University of Applied Sciences.",
    )
    assert ("Brellwitz Analytik GmbH", "memberOf", "Cell Imaging") in found, sorted(found)
    assert ("Jolanda Brixner", "affiliatedWith", "Cell Imaging") in found, sorted(found)
    assert ("Cell Imaging", "partOf", "Elbtal Medical Devices") in found, sorted(found)
    assert not any(p == "memberOf" and s == "Cell Imaging" for s, p, _o in found)


def test_spokesperson_of_a_project_takes_part_in_it(nlp) -> None:
    found = facts(
        nlp,
        'The Elbtal Research Foundation funds the new research project "OsteoLink" with 2 '
        "million euros. Spokesperson of the project is Prof. Dr. Ilka Sommerfeld.",
    )
    assert ("Ilka Sommerfeld", "participatesIn", "OsteoLink") in found, sorted(found)
    assert ("Ilka Sommerfeld", "affiliatedWith", "OsteoLink") not in found


def test_subsidiary_of_names_its_parent_itself(nlp) -> None:
    """'the subsidiary of Y' is not attributed to the sentence's subject."""
    found = facts(
        nlp,
        "Quellmed Pharma SE opens a laboratory. The subsidiary Trevilo GmbH of the Karsfeld "
        "Holding AG moves in as well.",
    )
    assert ("Trevilo GmbH", "partOf", "Quellmed Pharma SE") not in found, sorted(found)
