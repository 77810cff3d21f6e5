"""Labels and Doc extensions the kg components share: a leaf every NLP module may import.

Kept apart from the pipeline so that a rule module never imports the module
that loads it (the pipeline imports the components, never the reverse).
"""

from __future__ import annotations

from spacy.tokens import Doc

#: Label of anaphoric noun phrases ("the working group"), resolved in kg.nlp.reader.
REF = "REF"


def register_extensions() -> None:
    """Doc attributes the kg components fill; safe to call more than once."""
    if not Doc.has_extension("kg_classes"):
        Doc.set_extension("kg_classes", default=None)
        Doc.set_extension("kg_acronyms", default=None)
        Doc.set_extension("kg_relations", default=None)
    if not Doc.has_extension("kg_full_names"):
        Doc.set_extension("kg_full_names", default=None)
    if not Doc.has_extension("kg_weak"):
        Doc.set_extension("kg_weak", default=None)
    if not Doc.has_extension("kg_fundings"):
        Doc.set_extension("kg_fundings", default=None)
