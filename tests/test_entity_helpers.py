"""Helpers of the entity component that replaced per-token loops keep their behaviour."""

from __future__ import annotations

import pytest


@pytest.mark.model
def test_repeated_short_form_only_on_token_boundaries(nlp) -> None:
    """'Lumeqa' after 'Lumeqa Therapeutics GmbH' is a mention; 'Lumeqa' inside 'Lumeqa.com' not."""
    doc = nlp("Lumeqa Therapeutics GmbH opened a lab. Lumeqa grows fast. See Lumeqa.com for more.")
    ents = [(e.text, e.start_char, e.label_) for e in doc.ents]
    assert ("Lumeqa", 39, "Company") in ents
    site = doc.text.index("Lumeqa.com")
    assert not any(start == site for _t, start, _l in ents)
    assert (site, site + 6) not in doc._.kg_classes
