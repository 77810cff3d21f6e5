"""Relation rules, one module per family of constructions.

Each module owns its patterns, how a match's ends are found and what it
asserts, side by side: `surface` (token patterns), `dependency` (dependency
patterns), `financing` (amounts and funders), `discourse` (facts across
sentences and referring phrases).
"""
