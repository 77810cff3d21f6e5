"""Relations of real news that lists, names and founds things in one breath: a round
table's guests with their bodies, a group's brand line, a site 'in the heart of' a town,
an acronym repeated later, bodies founded or run by partners together.

Invented names and sentences only; each case stands for a general construction.
"""

from __future__ import annotations

import pytest
from helpers_extract import entity_with, facts, run

pytestmark = pytest.mark.model

PANEL = (
    "How can the region change? A round table with Prof. Dr. Marta Kessel, Fraunhofer IKT, "
    "Prof. Dr. Jonas Brand, Innovation Center Applied Robotics (ICAR), Prof. Dr. med. habil. "
    "Peter Lund, Plauen University Hospital (PUH), Dr. Lea Vogt, Vantacell Sciences/BRONTIX, "
    "and Anna Roth, Halden Biosciences - A Tern Company, discussed it."
)


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # each guest with the body named right after them, first, middle and last
        (
            PANEL,
            {
                ("Marta Kessel", "affiliatedWith", "Fraunhofer IKT"),
                ("Jonas Brand", "affiliatedWith", "Innovation Center Applied Robotics"),
                ("Peter Lund", "affiliatedWith", "Plauen University Hospital"),
                ("Lea Vogt", "affiliatedWith", "Vantacell Sciences"),
                ("Anna Roth", "affiliatedWith", "Halden Biosciences"),
                ("Halden Biosciences", "partOf", "Tern"),
            },
            {("Marta Kessel", "affiliatedWith", "Innovation Center Applied Robotics")},
        ),
        # a list of investors is no list of guests
        (
            "Investors include Kestrel Capital, Peter Lund, Halden GmbH, and Tern AG.",
            set(),
            {("Peter Lund", "affiliatedWith", "Halden GmbH")},
        ),
        # one person and a firm after a comma, with no list around them: nothing said
        (
            "The prize went to Anna Roth, Halden GmbH. Tern AG sponsored it.",
            set(),
            {("Anna Roth", "affiliatedWith", "Halden GmbH")},
        ),
        (
            "The vaccine maker Halden Biologicals GmbH is located in the heart of Plauen.",
            {("Halden Biologicals GmbH", "locatedIn", "Plauen")},
            set(),
        ),
        # founded together: each founder takes part in the new body, which is an
        # undertaking of theirs as well as an institute
        (
            "The Kestrel Institute and Tern University jointly founded the Halden Centre for "
            "Marine Studies in 2020.",
            {
                ("Kestrel Institute", "participatesIn", "Halden Centre for Marine Studies"),
                ("Tern University", "participatesIn", "Halden Centre for Marine Studies"),
            },
            set(),
        ),
        # a centre two partners are setting up, in a relative clause; one founder is none
        (
            "The wing is part of the Orlenau Prevention Centre, which the Kestrel Institute "
            "and the Tern Cancer Foundation are currently establishing.",
            {
                ("Kestrel Institute", "participatesIn", "Orlenau Prevention Centre"),
                ("Tern Cancer Foundation", "participatesIn", "Orlenau Prevention Centre"),
            },
            set(),
        ),
        (
            "The wing belongs to the Orlenau Prevention Centre, which the Kestrel Institute "
            "established in 2001.",
            set(),
            {("Kestrel Institute", "participatesIn", "Orlenau Prevention Centre")},
        ),
        # founded by one: no partners
        (
            "The Kestrel Institute founded the Halden Centre for Marine Studies in 2020.",
            set(),
            {("Kestrel Institute", "participatesIn", "Halden Centre for Marine Studies")},
        ),
        (
            "For better liver therapies, the Orlenau Cancer Institute, the Plauen University "
            "Faculty of Medicine and Plauen University Hospital have come together to "
            "establish a Kestrel Institute for Liver Research (KILR).",
            {
                (
                    "Orlenau Cancer Institute",
                    "participatesIn",
                    "Kestrel Institute for Liver Research",
                ),
                (
                    "Plauen University Hospital",
                    "participatesIn",
                    "Kestrel Institute for Liver Research",
                ),
            },
            {("Orlenau Cancer Institute", "participatesIn", "Plauen University Hospital")},
        ),
    ],
)
def test_panels_brands_and_joint_bodies(nlp, text, present, absent) -> None:
    got = facts(run(nlp, text))
    assert present <= got, got
    assert not absent & got, got


def test_a_jointly_founded_institute_is_typed_an_undertaking_too(nlp) -> None:
    ex = run(
        nlp,
        "The Kestrel Institute and Tern University jointly founded the Halden Centre for "
        "Marine Studies in 2020.",
    )
    assert set(entity_with(ex, "Halden Centre for Marine Studies").types) == {
        "Institution",
        "Project",
    }
    assert "Project" not in entity_with(ex, "Kestrel Institute").types


def test_an_acronym_repeats_as_a_mention_of_its_body(nlp) -> None:
    """'(NCLD)' defines the acronym; its later uses are the same body, of the long name's
    class (not the model's company guess for a string of capitals)."""
    ex = run(
        nlp,
        "From 2026 on, a lab wing of the National Centre for Liver Diseases (NCLD) will hold a "
        "screening unit. The yearly budget of the NCLD grows to 9 million euros, and the NCLD "
        "partner site will hire.",
    )
    body = entity_with(ex, "National Centre for Liver Diseases")
    assert "NCLD" in body.names
    assert len(body.mentions) >= 3
    assert "Company" not in body.types


def test_an_acronym_and_its_city_name_the_body_and_the_city_stays_a_place(nlp) -> None:
    ex = run(
        nlp,
        "A lab wing of the National Centre for Liver Diseases (NCLD) will hold a screening "
        "unit. The yearly budget of the NCLD Plauen grows to 9 million euros.",
    )
    assert "NCLD Plauen" in entity_with(ex, "National Centre for Liver Diseases").names
    assert entity_with(ex, "Plauen").types == ("Place",)


def test_a_joint_partnership_lists_the_partners_of_the_body_named_in_the_subject(nlp) -> None:
    """'The X partner site Y is a joint partnership of A, B and C': each partner takes part
    in X (the parser hangs a partner on the subject noun; it is no body of its own)."""
    ex = run(
        nlp,
        "A lab wing of the National Centre for Liver Diseases (NCLD) will hold a screening "
        "unit.\n\nThe NCLD partner site Plauen is a joint partnership of the Orlenau "
        "Cancer Institute (OCI), the University Hospital Plauen, the Medical Faculty of the "
        "Technical University Plauen and the Helmholtz Centre Orlenau (HCO).",
    )
    got = facts(ex)
    body = "National Centre for Liver Diseases"
    for partner in ("Orlenau Cancer Institute", "Helmholtz Centre Orlenau"):
        assert (partner, "participatesIn", body) in got, got
    assert not {f for f in got if f[1] == "participatesIn" and f[2] != body}, got
