"""kg: build a knowledge graph of innovation-cluster news.

Importing the package is cheap on purpose: spaCy, rdflib and pyoxigraph are
imported by the stage modules that need them, never here.
"""

__version__ = "0.1.0"
