"""The editor's decision for each namesake of a stored rider (a package upload, a
start-list paste): one radio group ``decide-<bib>`` per bib, whose value is the
stored rider's id or ``new``."""

from django.http import QueryDict

from toursite.converters import form_int

DECIDE_FIELD = "decide-"  # + the bib
NEW_RIDER = "new"


def decisions_of(data: QueryDict) -> dict[int, int | None]:
    """bib -> the chosen stored rider's id, or None for a new rider; anything
    else is no decision (the save asks for it again)."""
    decisions: dict[int, int | None] = {}
    for key, value in data.items():
        bib = form_int(key.removeprefix(DECIDE_FIELD)) if key != "" else None
        if not key.startswith(DECIDE_FIELD) or bib is None:
            continue
        if value == NEW_RIDER:
            decisions[bib] = None
        elif (rider := form_int(value)) is not None:
            decisions[bib] = rider
    return decisions
