"""Stage 5: what people look at: the network page, figures and exports.

`network` reads the store into networkx, `viz` and `layout` render the page,
`stats` computes the figures, `export` and `graphio` write files.
"""

from kg.view.export import EXPORT_FORMATS, export_store
from kg.view.stats import compute_stats
from kg.view.viz import render

__all__ = ["EXPORT_FORMATS", "compute_stats", "export_store", "render"]
