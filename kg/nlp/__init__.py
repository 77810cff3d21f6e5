"""Stage 2: text to spans to entities and relations (spaCy).

`load_pipeline` builds the model plus kg's rule components; `extract` (in
`reader`) turns each article's Doc into an `Extraction`. Relation rules live in
`rules/`, one module per family of constructions. Imports only the kernel.
"""

from kg.nlp.pipeline import load_pipeline, split_pipeline
from kg.nlp.reader import DocReader, extract

__all__ = ["DocReader", "extract", "load_pipeline", "split_pipeline"]
