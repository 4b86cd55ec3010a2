"""Writes of the live desk: the ticker, the race situation (km to go and groups on
the road), provisional finishers, and a stage going live or final. Each goes
through :func:`stages.services.writes.write`: one transaction under the edition
lock, checked again there, the data version bumped (and the standings recomputed
once for finishers), so fans' pages follow within one poll.

A stage that is not live refuses every live write but ticker corrections (an edit
or a delete tidies the record after the stage too)."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from editions.models import Entry
from live.models import KM_MAX, TEXT_MAX_LENGTH, RaceSituation, RoadGroup, TickerEntry
from racing import live
from racing.standings import OUT_STATUSES
from stages import inputs
from stages.models import Stage, StageResult
from stages.services.packages import result_objects
from stages.services.results import read_stage_results
from stages.services.stage import status_refresh
from stages.services.writes import Expected, RowRefused, Touched, expecting, write

# How the parser's problems name the pasted arrivals: English, as its words are.
ARRIVALS_LABEL = "arrivals"


class LiveRefused(Exception):
    """A live write that cannot be saved: ``messages`` say why, one each; nothing
    was written."""

    def __init__(self, messages: Iterable[str]):
        self.messages = list(messages)
        super().__init__(" ".join(self.messages))


def not_live_message(stage: Stage) -> str:
    return _(
        # Translators: status is the stage's status in lower case ("scheduled");
        # “Go live” is the button of the live desk.
        "Stage %(number)s is not live (%(status)s): nothing was saved. Start it "
        "with “Go live” on the stage's live desk in the admin first."
    ) % {"number": stage.number, "status": stage.get_status_display().lower()}


def _locked_live(stage: Stage) -> Stage:
    """The stage as stored, read under the edition lock; refused unless live."""
    stored = Stage.objects.select_related("edition__race").get(pk=stage.pk)
    if stored.status != Stage.Status.LIVE:
        raise LiveRefused([not_live_message(stored)])
    return stored


def km_problems(stage: Stage, km_to_go: Decimal | float | None) -> list[str]:
    if km_to_go is None:
        return []
    if km_to_go < 0:
        return [_("Km to go cannot be below zero.")]
    limit = max(stage.distance_km or 0, 0) or KM_MAX
    if km_to_go > limit:
        km = {"km": number_format(km_to_go), "limit": number_format(limit)}
        return [_("Km to go (%(km)s) is more than the stage's %(limit)s km.") % km]
    return []


def text_problems(text: str) -> list[str]:
    if not text.strip():
        return [_("Write the ticker text.")]
    if len(text) > TEXT_MAX_LENGTH:
        count = {"count": len(text), "most": TEXT_MAX_LENGTH}
        return [
            ngettext(
                "The text has %(count)s character; at most %(most)s.",
                "The text has %(count)s characters; at most %(most)s.",
                len(text),
            )
            % count
        ]
    if any(not c.isprintable() and c not in "\n\t" for c in text):
        return [_("The text holds control characters: type it again.")]
    return []


def _entries_by_bib(stage: Stage, bibs: Sequence[int]) -> tuple[list[int], list[str]]:
    """Entry ids of ``bibs`` in the stage's race, and a message per unknown bib."""
    found = _bibs(stage) if bibs else {}
    missing = [
        _("No rider has bib %(bib)s in this race.") % {"bib": b}
        for b in bibs
        if b not in found
    ]
    return [found[b] for b in bibs if b in found], missing


@dataclass(frozen=True)
class TickerLine:
    """What the desk or a script says about a ticker entry."""

    text: str
    kind: str = TickerEntry.Kind.OTHER
    km_to_go: Decimal | None = None
    at: datetime | None = None
    bibs: tuple[int, ...] = ()

    def problems(self, stage: Stage) -> list[str]:
        problems = text_problems(self.text) + km_problems(stage, self.km_to_go)
        if self.kind not in TickerEntry.Kind.values:
            kinds = ", ".join(TickerEntry.Kind.values)
            problems.append(
                _("Unknown kind “%(kind)s”: one of %(kinds)s.")
                % {"kind": self.kind, "kinds": kinds}
            )
        return problems


def _ticker_write(
    stage: Stage, line: TickerLine, entry: TickerEntry | None, live_only: bool
) -> TickerEntry:
    saved: list[TickerEntry] = []
    touched = Touched()
    touched.shows(stage.edition_id)

    def change() -> None:
        current = _locked_live(stage) if live_only else stage
        ids, unknown = _entries_by_bib(current, line.bibs)
        if problems := line.problems(current) + unknown:
            raise LiveRefused(problems)
        row = entry or TickerEntry(stage=current)
        row.text, row.kind, row.km_to_go = line.text.strip(), line.kind, line.km_to_go
        row.at = line.at or row.at or timezone.now()
        row.save()
        row.riders.set(ids)
        saved.append(row)

    write(change, touched)
    return saved[0]


def ticker_post(
    *,
    stage: Stage,
    text: str,
    kind: str = TickerEntry.Kind.OTHER,
    km_to_go: Decimal | None = None,
    at: datetime | None = None,
    bibs: Sequence[int] = (),
) -> TickerEntry:
    """Post a ticker entry on a live stage (the time of day is now unless given)."""
    line = TickerLine(text, kind, km_to_go, at, tuple(bibs))
    return _ticker_write(stage, line, None, live_only=True)


def ticker_update(
    *, entry: TickerEntry, line: TickerLine, token: str = ""
) -> TickerEntry:
    """Correct a ticker entry (any time: the record is tidied after the stage).
    With the ``token`` of the entry as the editor's form was opened, a correction
    over another editor's is refused."""
    try:
        with expecting(Expected(entry, token)):
            return _ticker_write(entry.stage, line, entry, live_only=False)
    except RowRefused as exc:
        raise LiveRefused(exc.messages) from exc


def ticker_delete(*, entry: TickerEntry) -> None:
    touched = Touched()
    touched.shows(entry.stage.edition_id)
    write(lambda: TickerEntry.objects.filter(pk=entry.pk).delete(), touched)


def _on_the_line(stage: Stage) -> tuple[set[int], dict[int, str]]:
    """Bibs over the line on this stage, and bibs out of the race (before it, or
    out on it) with why."""
    out = inputs.out_of_race_before(stage)
    arrived = set()
    for bib, status in StageResult.objects.filter(stage=stage).values_list(
        "entry__bib", "status"
    ):
        if status in OUT_STATUSES:
            out[bib] = f"{status} on this stage"
        else:
            arrived.add(bib)
    return arrived, out


def situation_save(
    *, stage: Stage, km_to_go: Decimal | None, groups: Sequence[live.Group]
) -> RaceSituation:
    """Replace the race situation of a live stage: km to go and the groups on the
    road, from the head of the race backwards (the first group's gap is 0 until
    someone has finished; then gaps count from the stage winner)."""
    saved: list[RaceSituation] = []
    touched = Touched()
    touched.shows(stage.edition_id)

    def change() -> None:
        current = _locked_live(stage)
        arrived, out = _on_the_line(current)
        start_list = inputs.start_list_of(current.edition)
        problems = km_problems(current, km_to_go)
        problems += live.group_problems(groups, start_list, out, arrived)
        if problems:
            raise LiveRefused(problems)
        situation, _created = RaceSituation.objects.update_or_create(
            stage=current, defaults={"km_to_go": km_to_go, "updated_at": timezone.now()}
        )
        situation.groups.all().delete()
        _groups_create(current, situation, groups, finished=bool(arrived))
        saved.append(situation)

    write(change, touched)
    return saved[0]


def _groups_create(
    stage: Stage,
    situation: RaceSituation,
    groups: Sequence[live.Group],
    finished: bool,
) -> None:
    entry_ids = _bibs(stage)
    for position, group in enumerate(groups):
        row = RoadGroup.objects.create(
            situation=situation,
            position=position,
            name=group.name.strip(),
            gap_s=live.head_gap(group, position, finished),
            rest=group.rest,
        )
        if group.bibs:
            row.riders.set([entry_ids[b] for b in group.bibs])


def _arrivals_write(
    stage: Stage, rows_of: Callable[[Stage, list[StageResult]], list[StageResult]]
) -> list[str]:
    """Add finishers to a live stage's result: ``rows_of(stage, stored)`` gives
    the new rows (unsaved) or raises LiveRefused. Riders over the line leave their
    group on the road."""
    touched = Touched()
    touched.moves(stage.edition_id, stage.number)

    def change() -> None:
        current = _locked_live(stage)
        stored = list(StageResult.objects.filter(stage=current))
        new = rows_of(current, stored)
        problems = _clash_problems(current, stored, new)
        if problems:
            raise LiveRefused(problems)
        StageResult.objects.bulk_create(new)
        RoadGroup.riders.through.objects.filter(
            roadgroup__situation__stage=current,
            entry_id__in=[r.entry_id for r in new],
        ).delete()

    return write(change, touched)


def _clash_problems(
    stage: Stage, stored: list[StageResult], new: list[StageResult]
) -> list[str]:
    have = {r.entry_id: r for r in stored}
    ranks = {r.rank for r in stored if r.rank is not None}
    bibs = {pk: bib for bib, pk in _bibs(stage).items()}
    problems = []
    for row in new:
        if (old := have.get(row.entry_id)) is not None:
            held = {"bib": bibs[row.entry_id], "rank": old.rank, "status": old.status}
            if old.rank:
                problems.append(
                    _("Bib %(bib)s already has a row (rank %(rank)s).") % held
                )
            else:
                # Translators: status is a status of the results format: DNF, DNS…
                problems.append(_("Bib %(bib)s already has a row (%(status)s).") % held)
        elif row.rank is not None and row.rank in ranks:
            problems.append(_("Rank %(rank)s is already taken.") % {"rank": row.rank})
    return problems


def arrivals_paste_save(*, stage: Stage, text: str) -> list[str]:
    """Add the pasted finishers (rows in the results format, header optional; gaps
    count from the stage's winner when he is already in) to a live stage."""

    def rows_of(current: Stage, stored: list[StageResult]) -> list[StageResult]:
        first = next((r.time_s for r in stored if r.rank == 1), None)
        table = read_stage_results(
            current, ARRIVALS_LABEL, text, header_optional=True, first_time=first
        )
        if not text.strip():
            raise LiveRefused([_("Paste the riders who have arrived first.")])
        if not table.ok:
            raise LiveRefused(table.problems)
        return result_objects(current, table.rows, _bibs(current))

    return _arrivals_write(stage, rows_of)


def _bibs(stage: Stage) -> dict[int, int]:
    """Bib -> entry id of the stage's race (1 query)."""
    return dict(
        Entry.objects.filter(edition_id=stage.edition_id).values_list("bib", "pk")
    )


def arrivals_add(*, stage: Stage, results: Sequence[StageResult]) -> list[str]:
    """Add finishers given as unsaved results (a replay, a data feed)."""

    def rows_of(current: Stage, stored: list[StageResult]) -> list[StageResult]:
        for row in results:
            row.stage = current
        return list(results)

    return _arrivals_write(stage, rows_of)


def stage_go_live(*, stage: Stage) -> list[str]:
    """Make a stage live: its pages show the live panel and poll."""
    return _status(stage, Stage.Status.LIVE)


def stage_make_final(*, stage: Stage) -> list[str]:
    """End a live stage: its tables become official (riders without a row leave
    the race), the groups on the road go, the ticker stays. Refused while nobody
    is over the line (a click too early would put the whole field out)."""
    return _status(stage, Stage.Status.FINISHED)


NOBODY_IN = gettext_noop(
    "Nobody is over the line yet: nothing was changed. Paste the arrivals first "
    "(making the stage final puts every rider without a row out of the race)."
)


NOT_RACED = gettext_noop(
    "Stage %(number)s is marked not raced: nothing was changed. Change its status "
    "on the stage's page first if it is raced after all."
)


def _status(stage: Stage, status: str) -> list[str]:
    touched = Touched()
    touched.shows(stage.edition_id)

    def change() -> None:
        stored = Stage.objects.select_related("edition__race").get(pk=stage.pk)
        if stored.status == Stage.Status.CANCELLED:
            raise LiveRefused([_(NOT_RACED) % {"number": stored.number}])
        finishing = stored.status == Stage.Status.LIVE and status != Stage.Status.LIVE
        if finishing and not StageResult.objects.filter(stage=stored).exists():
            raise LiveRefused([_(NOBODY_IN)])
        stored.status = status
        stored.save(update_fields=["status"])
        status_refresh(stored)
        stage.status = status

    return write(change, touched)
