"""What a read package must also satisfy before it is saved, beyond its own format
(``racing.parsing``): the database's field limits, the race's stored name, and one
bib per rider. Each problem names the file, the row and the field.
"""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import models

from editions.models import Race, Rider, Team
from racing.parsing.package import CheckpointSpec, Package, StageSpec
from stages.models import Checkpoint, RaceReport, Stage
from stages.services.identity import DECIDE, RiderMatch


def field_problems(package: Package) -> list[str]:
    """What the models' fields refuse of the package's rows (a team name longer
    than 120 characters, a distance too large): no query."""
    rows: list[tuple[str, models.Model, tuple[str, ...]]] = [
        (f"teams.csv: team {code}", Team(code=code, name=name, country=country), ())
        for code, (name, country) in package.teams.items()
    ]
    rows += [
        (
            f"riders.csv: bib {bib}",
            Rider(
                given_name=spec.given_name,
                family_name=spec.family_name,
                nationality=nationality,
                birth_date=born,
            ),
            ("slug",),
        )
        for bib, (spec, nationality, born) in package.riders.items()
    ]
    rows += [
        (f"stages.csv: stage {n}", stage_of(n, spec), ())
        for n, spec in package.stages.items()
    ]
    rows += [
        (f"checkpoints.csv: stage {c.stage} {c.name!r}", checkpoint_of(c), ())
        for c in package.checkpoints
    ]
    rows += [
        (f"reports/stage-{n:02d}.md", RaceReport(headline=h, body=b), ("published_at",))
        for n, (h, b) in package.reports.items()
    ]
    return [p for label, obj, skip in rows for p in _refused(label, obj, skip)]


def stage_of(number: int, spec: StageSpec, **fields: object) -> Stage:
    """The unsaved stage of a package's stage row (a stage not raced is
    cancelled, whatever status ``fields`` give the others)."""
    if spec.cancelled:
        fields["status"] = Stage.Status.CANCELLED
    return Stage(
        number=number,
        date=spec.date,
        start=spec.start,
        finish=spec.finish,
        distance_km=spec.distance_km,
        type=spec.type,
        points_scale=spec.points_scale,
        team_times=spec.team_times,
        **fields,
    )


def checkpoint_of(spec: CheckpointSpec, **fields: object) -> Checkpoint:
    """The unsaved checkpoint of a package's checkpoint row."""
    return Checkpoint(
        kind=spec.kind,
        name=spec.name,
        km=spec.km,
        category=spec.category,
        multiplier=spec.multiplier,
        altitude_m=spec.altitude_m,
        scale=spec.scale,
        **fields,
    )


def _refused(label: str, obj: models.Model, skip: Iterable[str]) -> list[str]:
    # Relations are the package's own; a blank optional value is the model's.
    exclude = [f.name for f in obj._meta.fields if f.is_relation] + list(skip)
    try:
        obj.clean_fields(exclude=exclude)
    except ValidationError as exc:
        return [
            f"{label}: {name}: {message}"
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return []


def race_problems(package: Package) -> list[str]:
    """The race's name belongs to its address: a name stored for another address
    is refused (1 query)."""
    other = Race.objects.filter(name=package.race_name).exclude(slug=package.slug)
    return [
        f"edition.toml: the race {race.name!r} has the address {race.slug!r} here, "
        f"not {package.slug!r}: use slug = {race.slug!r}"
        for race in other[:1]
    ]


def same_rider_problems(
    matches: Mapping[int, RiderMatch], decisions: Mapping[int, int | None]
) -> list[str]:
    """Two bibs that would be one rider: the same known rider, the same namesake
    chosen twice, or the same new person (names and birth date) listed twice."""
    seen: dict[object, int] = {}
    problems = []
    for bib, match in sorted(matches.items()):
        p = match.person
        if match.known is not None:
            key: object = match.known.pk
        elif match.status == DECIDE and decisions.get(bib) is not None:
            key = decisions[bib]
        elif p.birth_date is not None:
            key = (p.base_slug, p.birth_date)
        else:  # without a birth date, two namesakes may be two riders
            continue
        if key in seen:
            problems.append(
                f"riders.csv: bib {bib}: {p.given_name} {p.family_name} is the same "
                f"rider as bib {seen[key]}"
            )
        seen.setdefault(key, bib)
    return problems
