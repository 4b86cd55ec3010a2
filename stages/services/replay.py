"""A finished stage played again as if live (``manage.py replay_stage``): the
stage goes live with its results, race situation and ticker taken away, then the
ticker comes back at its real intervals and the riders arrive in their real order
at their real time gaps, each divided by the speed, through the live desk's own
services; the stage is made final at the end. Every table then equals what it was
before: the same rows are written back and the engine is deterministic.

Decision: ticker entries come first (a ticker is written before the finish),
each interval capped (``max_wait``, in replay seconds), so a four-hour ticker does
not hold the finish back."""

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import groupby

from django.utils.translation import gettext as _

from editions.models import Entry
from live.models import RaceSituation, TickerEntry
from stages.models import Stage, StageResult
from stages.services import live
from stages.services.stage import status_refresh
from stages.services.writes import Touched, write

# The columns of a result a replay writes back as they were: whose, and what it
# says.
RESULT_FIELDS = ("entry_id", *StageResult.VALUE_FIELDS)


@dataclass
class Step:
    """One write of a replay, ``at`` seconds (real race time) after the start."""

    at: float
    label: str
    ticker: live.TickerLine | None = None
    results: list[StageResult] = field(default_factory=list)


@dataclass
class Replay:
    stage: Stage
    ticker: list[Step]
    arrivals: list[Step]

    def steps(self, speed: float, max_wait: float) -> Iterator[tuple[float, Step]]:
        """Each step with its time in replay seconds from the start."""
        clock, last = 0.0, None
        for step in self.ticker:
            gap = 0.0 if last is None else (step.at - last) / speed
            clock += min(gap, max_wait)
            last = step.at
            yield clock, step
        start = clock + (min(1.0, max_wait) if self.ticker else 0.0)
        for step in self.arrivals:
            yield start + step.at / speed, step


def _snapshot(stage: Stage) -> tuple[list[Step], list[Step]]:
    entries = TickerEntry.objects.filter(stage=stage).prefetch_related("riders")
    entries = sorted(entries, key=lambda e: (e.at, e.pk))
    ticker = [
        Step(
            at=e.at.timestamp(),
            label=f"ticker: {e.text[:50]}",
            ticker=live.TickerLine(
                e.text, e.kind, e.km_to_go, e.at, tuple(r.bib for r in e.riders.all())
            ),
        )
        for e in entries
    ]
    rows = [
        StageResult(**dict(zip(RESULT_FIELDS, values, strict=True)))
        for values in StageResult.objects.filter(stage=stage).values_list(
            *RESULT_FIELDS
        )
    ]
    timed = sorted(
        (r for r in rows if r.time_s is not None),
        key=lambda r: (r.time_s, r.rank or 10**6),
    )
    first = timed[0].time_s if timed else 0
    arrivals = [
        Step(at=time - first, label=f"+{time - first} s", results=list(bunch))
        for time, bunch in groupby(timed, key=lambda r: r.time_s)
    ]
    untimed = [r for r in rows if r.time_s is None]
    if untimed:
        last = arrivals[-1].at if arrivals else 0
        arrivals.append(
            Step(at=last, label="riders who did not finish", results=untimed)
        )
    if ticker:
        base = ticker[0].at
        for step in ticker:
            step.at -= base
    return ticker, arrivals


def replay_prepare(*, stage: Stage) -> Replay:
    """Take a finished stage's results, ticker and situation away and make it
    live, in one write; returns what to play back."""
    stage = Stage.objects.select_related("edition__race").get(pk=stage.pk)
    if stage.status != Stage.Status.FINISHED:
        refused = _(
            # Translators: status is the stage's status in lower case ("scheduled").
            "Stage %(number)s is %(status)s: only a finished stage can be replayed."
        )
        status = stage.get_status_display().lower()
        raise live.LiveRefused([refused % {"number": stage.number, "status": status}])
    ticker, arrivals = _snapshot(stage)
    if not arrivals:
        refused = _("Stage %(number)s has no results to replay.")
        raise live.LiveRefused([refused % {"number": stage.number}])
    touched = Touched()
    touched.moves(stage.edition_id, stage.number)

    def change() -> None:
        StageResult.objects.filter(stage=stage).delete()
        TickerEntry.objects.filter(stage=stage).delete()
        Stage.objects.filter(pk=stage.pk).update(status=Stage.Status.LIVE)
        RaceSituation.objects.filter(stage=stage).delete()

    write(change, touched)
    stage.status = Stage.Status.LIVE
    return Replay(stage, ticker, arrivals)


def replay_step(stage: Stage, step: Step) -> None:
    """Write one step through the live desk's services."""
    if step.ticker is not None:
        live.ticker_post(stage=stage, **asdict(step.ticker))
    else:
        copies = [_copy(stage, row) for row in step.results]
        live.arrivals_add(stage=stage, results=copies)


def replay_restore(replay: Replay) -> None:
    """Put the stage back as it was before the replay, whatever happened to it
    since (a replay interrupted, an editor's "Make final" in the middle): its
    results and ticker as they were, final, in one write."""
    stage = replay.stage
    touched = Touched()
    touched.moves(stage.edition_id, stage.number)

    def change() -> None:
        StageResult.objects.filter(stage=stage).delete()
        StageResult.objects.bulk_create(
            [_copy(stage, row) for step in replay.arrivals for row in step.results]
        )
        TickerEntry.objects.filter(stage=stage).delete()
        entry_ids = dict(
            Entry.objects.filter(edition_id=stage.edition_id).values_list("bib", "pk")
        )
        for step in replay.ticker:
            t = step.ticker
            entry = TickerEntry.objects.create(
                stage=stage, at=t.at, kind=t.kind, km_to_go=t.km_to_go, text=t.text
            )
            entry.riders.set([entry_ids[b] for b in t.bibs if b in entry_ids])
        Stage.objects.filter(pk=stage.pk).update(status=Stage.Status.FINISHED)
        stage.status = Stage.Status.FINISHED
        status_refresh(stage, exits=False)  # the recompute works out the exits

    write(change, touched)


def _copy(stage: Stage, row: StageResult) -> StageResult:
    return StageResult(stage=stage, **{f: getattr(row, f) for f in RESULT_FIELDS})


def replay_play(
    replay: Replay,
    *,
    speed: float,
    max_wait: float = 5.0,
    wait: Callable[[float], None],
    report: Callable[[str], None] = lambda line: None,
) -> None:
    """Play ``replay`` back: ``wait(seconds)`` until each step's time (from the
    start), then write it; the stage is made final at the end. Interrupted
    (Ctrl-C, a write refused), the stage is restored as it was, then the error
    goes on."""
    try:
        for at, step in replay.steps(speed, max_wait):
            wait(at)
            replay_step(replay.stage, step)
            report(f"{at:7.1f} s  {step.label} ({len(step.results) or 1} row(s))")
        live.stage_make_final(stage=replay.stage)
    except BaseException:
        replay_restore(replay)
        report("replay interrupted: the stage is back as it was, final")
        raise
    report("stage final again")
