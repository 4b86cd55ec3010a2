"""The pure core of toursite: no Django, standard library only.

The standings engine, the classification registry, race times as text, and the
parsers that turn race packages and pasted tables into plain, validated rows.
"""
