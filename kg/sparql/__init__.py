"""Stage 5: answering SPARQL, on the command line and as an HTTP endpoint.

`query.answer` runs one read-only query; `protocol` speaks the SPARQL 1.1
protocol; `server` is `kg serve`. Imports the store and the view.
"""

from kg.sparql.query import QUERY_FORMATS, answer
from kg.sparql.server import ServeOptions, serve

__all__ = ["QUERY_FORMATS", "ServeOptions", "answer", "serve"]
