"""What a results paste does to the results already saved for its stage, rider by
rider: the values that change (old → new), the riders it adds and the riders whose
saved row it removes, and every saved value it empties (a penalty dropped because
the paste has no penalty column, say). Read in one query, whatever the number of
rows; nothing is written.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy, pgettext, pgettext_lazy

from racing.parsing.results import ResultsTable
from racing.standings import FINISHED_STATUSES
from racing.text import PersonName
from racing.timefmt import format_time
from stages.models import Stage, StageResult
from stages.services.packages import result_objects


@dataclass(frozen=True)
class Field:
    """A compared value of a result: how editors name it (``label``, and
    ``removed``: how many saved ones a paste empties, numbered by ``count``), the
    paste column that carries it (never translated), and whether an empty value
    means the rules compute it."""

    key: str  # the StageResult field
    label: Promise
    removed: Promise
    column: str
    computed: bool = False  # empty: computed from the rules and the crossings
    seconds: bool = False  # shown as "20 s"


FIELDS = (
    Field(
        "rank",
        pgettext_lazy("result field", "rank"),
        ngettext_lazy(
            "%(count)s saved rank removed", "%(count)s saved ranks removed", "count"
        ),
        "rank",
    ),
    Field(
        "time",
        pgettext_lazy("result field", "time"),
        ngettext_lazy(
            "%(count)s saved time removed", "%(count)s saved times removed", "count"
        ),
        "time",
    ),
    Field(
        "status",
        pgettext_lazy("result field", "status"),
        ngettext_lazy(
            "%(count)s saved status removed",
            "%(count)s saved statuses removed",
            "count",
        ),
        "status",
    ),
    Field(
        "bonus",
        pgettext_lazy("result field", "bonus"),
        ngettext_lazy(
            "%(count)s saved bonus removed", "%(count)s saved bonuses removed", "count"
        ),
        "bonus",
        computed=True,
        seconds=True,
    ),
    Field(
        "penalty",
        pgettext_lazy("result field", "penalty"),
        ngettext_lazy(
            "%(count)s saved penalty removed",
            "%(count)s saved penalties removed",
            "count",
        ),
        "penalty",
        seconds=True,
    ),
    Field(
        "gc_time_s",
        pgettext_lazy("result field", "GC time"),
        ngettext_lazy(
            "%(count)s saved GC time removed",
            "%(count)s saved GC times removed",
            "count",
        ),
        "gc_time",
    ),
    Field(
        "points",
        pgettext_lazy("result field", "points"),
        ngettext_lazy(
            "%(count)s saved points removed", "%(count)s saved points removed", "count"
        ),
        "points",
        computed=True,
    ),
    Field(
        "kom_points",
        pgettext_lazy("result field", "mountains points"),
        ngettext_lazy(
            "%(count)s saved mountains points removed",
            "%(count)s saved mountains points removed",
            "count",
        ),
        "kom_points",
        computed=True,
    ),
)
COMPUTED = {f.key for f in FIELDS if f.computed}
SAVED = (
    "entry__bib",
    "entry__rider__given_name",
    "entry__rider__family_name",
    *StageResult.VALUE_FIELDS,
)


@dataclass(frozen=True)
class Name(PersonName):
    given_name: str
    family_name: str


@dataclass(frozen=True)
class Change:
    """One value of one rider (its field's ``key`` and ``label``): saved ``old``,
    pasted ``new`` (as shown)."""

    key: str
    label: str
    old: str
    new: str
    removed: str = ""  # why a saved value is emptied ("" when it is not)


@dataclass(frozen=True)
class RiderChange:
    bib: int
    rider: str
    kind: str  # "changed", "new" or "removed" (the paste has no row for him)
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class ResultDiff:
    """The paste against the saved results; ``first_paste`` when none are saved."""

    first_paste: bool
    riders: tuple[RiderChange, ...] = ()

    def of_kind(self, kind: str) -> list[RiderChange]:
        return [r for r in self.riders if r.kind == kind]

    @property
    def removals(self) -> list[str]:
        """Every saved value the paste empties, one line each: whole rows first,
        then values nothing replaces (a penalty), then values the rules compute."""
        lines = []
        for r in self.of_kind("removed"):
            values = ", ".join(_value(c.label, c.old) for c in r.changes)
            lines.append(
                _(
                    "%(rider)s: saved result (%(values)s) will be removed (the "
                    "rider has no row in the paste)"
                )
                % {"rider": r.rider, "values": values}
            )
        for computed in (False, True):
            lines.extend(
                _("%(rider)s: %(value)s will be removed (%(why)s)")
                % {"rider": r.rider, "value": _value(c.label, c.old), "why": c.removed}
                for r in self.of_kind("changed")
                for c in r.changes
                if c.removed and (c.key in COMPUTED) == computed
            )
        return lines

    @property
    def summary(self) -> str:
        """``3 riders change, 1 saved penalty removed`` or ``No changes …``."""
        if self.first_paste:
            return _("First paste for this stage: no results are saved yet.")
        changed, new, gone = (
            len(self.of_kind(k)) for k in ("changed", "new", "removed")
        )
        parts = []
        if changed:
            parts.append(
                ngettext("%(count)s rider changes", "%(count)s riders change", changed)
                % {"count": changed}
            )
        if new:
            parts.append(
                ngettext("%(count)s new rider", "%(count)s new riders", new)
                % {"count": new}
            )
        if gone:
            parts.append(
                ngettext(
                    "%(count)s saved result removed (rider not in the paste)",
                    "%(count)s saved results removed (rider not in the paste)",
                    gone,
                )
                % {"count": gone}
            )
        for field in FIELDS:
            n = sum(
                1
                for r in self.of_kind("changed")
                for c in r.changes
                if c.removed and c.key == field.key
            )
            if n:
                parts.append(field.removed % {"count": n})
        if not parts:
            return _("No changes: the paste matches the saved results.")
        return ", ".join(parts)


def _value(label: str, value: str) -> str:
    """A saved value named: ``rank 3``, ``penalty 20 s``."""
    # Translators: a value of a saved result: field is its name ("rank"), value
    # the value ("3", "20 s").
    return pgettext("result field", "%(field)s %(value)s") % {
        "field": label,
        "value": value,
    }


def result_diff(
    stage: Stage,
    table: ResultsTable,
    entry_ids: Mapping[int, int],
    names: Mapping[int, str],
) -> ResultDiff:
    """The validated ``table`` against ``stage``'s saved results (1 query).
    ``names`` are the pasted riders' names by bib."""
    saved = {
        row["entry__bib"]: row
        for row in StageResult.objects.filter(stage=stage).values(*SAVED)
    }
    if not saved:
        return ResultDiff(first_paste=True)
    # What the save would write, row for row (``results.result_paste_save``).
    unsaved = result_objects(stage, table.rows, entry_ids)
    pasted = {
        r.bib: _values({key: getattr(obj, key) for key in StageResult.VALUE_FIELDS})
        for r, obj in zip(table.rows, unsaved, strict=True)
    }
    riders = []
    for bib, new in pasted.items():
        if bib not in saved:
            riders.append(RiderChange(bib, names.get(bib, ""), "new"))
            continue
        changes = _changes(_values(saved[bib]), new, table.columns)
        if changes:
            riders.append(RiderChange(bib, names.get(bib, ""), "changed", changes))
    for bib, row in sorted(saved.items(), key=lambda item: _saved_order(item[1])):
        if bib not in pasted:
            name = Name(
                row["entry__rider__given_name"], row["entry__rider__family_name"]
            )
            values = tuple(
                Change(f.key, str(f.label), _show(f, v), "", _("not in the paste"))
                for f, v in zip(FIELDS, _values(row), strict=True)
                if not _empty(f, v) and (f.key != "status" or v != "OK")
            )
            riders.append(RiderChange(bib, name.display_name, "removed", values))
    return ResultDiff(first_paste=False, riders=tuple(riders))


def _saved_order(row: Mapping) -> tuple[int, int]:
    return (row["rank"] or 10_000, row["entry__bib"])


def _values(row: Mapping) -> tuple:
    """A result's compared values, in the order of :data:`FIELDS` (the time with
    its hundredths)."""
    finished = row["status"] in FINISHED_STATUSES
    time = (row["time_s"], row["hundredths"] or 0) if finished else None
    if time == (None, 0):
        time = None
    return tuple(time if f.key == "time" else row[f.key] for f in FIELDS)


def _changes(old: tuple, new: tuple, columns: frozenset[str]) -> tuple[Change, ...]:
    """The values of one rider that differ, each saying why when it empties."""
    status = dict(zip((f.key for f in FIELDS), new, strict=True))["status"]
    out = []
    for field, was, now in zip(FIELDS, old, new, strict=True):
        if was == now:
            continue
        removed = ""
        if not _empty(field, was) and _empty(field, now):
            removed = _why_empty(field, columns, status)
        shown = (_show(field, was), _show(field, now))
        out.append(Change(field.key, str(field.label), *shown, removed))
    return tuple(out)


def _why_empty(field: Field, columns: frozenset[str], status: str) -> str:
    if field.column not in columns:
        reason = _("the paste has no %(column)s column") % {"column": field.column}
    elif status not in FINISHED_STATUSES and field.key in ("rank", "time", "gc_time_s"):
        # Translators: status is a status of the results format: DNF, DNS, OTL, DSQ.
        reason = _("status %(status)s in the paste") % {"status": status}
    else:
        reason = _("blank in the paste")
    if field.computed:
        # Translators: reason is why a saved value is emptied ("blank in the paste").
        return _("%(reason)s; the rules will compute it") % {"reason": reason}
    return reason


def _empty(field: Field, value) -> bool:
    return value is None or (field.key == "penalty" and value == 0)


def _show(field: Field, value) -> str:
    """A value as the preview shows it: ``3:51:42``, ``20 s``, ``computed``."""
    if value is None:
        if field.computed:
            return pgettext("result value", "computed")
        return pgettext("result value", "none")
    if field.key == "time":
        seconds, hundredths = value
        return format_time(seconds) + (f".{hundredths:02d}" if hundredths else "")
    if field.key == "gc_time_s":
        return format_time(value)
    return f"{value} s" if field.seconds else str(value)
