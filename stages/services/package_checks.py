"""What a read package must also satisfy before it is saved, beyond its own format
(``racing.parsing``): the database's field limits, the race's stored name, and one
bib per rider. Each problem names the file, the row and the field.
"""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from editions.models import Race, Rider, Team
from racing.package_writer import report_file
from racing.parsing.package import CheckpointSpec, Package, StageSpec
from stages.models import Checkpoint, RaceReport, Stage
from stages.services.identity import DECIDE, RiderMatch


def field_problems(package: Package) -> list[str]:
    """What the models' fields refuse of the package's rows (a team name longer
    than 120 characters, a distance too large): no query."""
    # Each row named by its file (never translated) and key.
    rows: list[tuple[str, models.Model, tuple[str, ...]]] = [
        (
            _("%(file)s: team %(code)s") % {"file": "teams.csv", "code": code},
            Team(code=code, name=name, country=country),
            (),
        )
        for code, (name, country) in package.teams.items()
    ]
    rows += [
        (
            _("%(file)s: bib %(bib)s") % {"file": "riders.csv", "bib": bib},
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
        (
            _("%(file)s: stage %(number)s") % {"file": "stages.csv", "number": n},
            stage_of(n, spec),
            (),
        )
        for n, spec in package.stages.items()
    ]
    rows += [
        (
            _("%(file)s: stage %(number)s %(name)s")
            % {"file": "checkpoints.csv", "number": c.stage, "name": repr(c.name)},
            checkpoint_of(c),
            (),
        )
        for c in package.checkpoints
    ]
    rows += [
        (report_file(n, lang), RaceReport(headline=h, body=b), ("published_at",))
        for (n, lang), (h, b) in package.reports.items()
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
        # Translators: where is a row of a file ("teams.csv: team UAD"), field a
        # field's name (not translated), problem why its value is refused.
        why = _("%(where)s: %(field)s: %(problem)s")
        return [
            why % {"where": label, "field": name, "problem": message}
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return []


def race_problems(package: Package) -> list[str]:
    """The race's name belongs to its address: a name stored for another address
    is refused (1 query)."""
    other = Race.objects.filter(name=package.race_name).exclude(slug=package.slug)
    return [
        _(
            # Translators: file is edition.toml and key its key slug (not translated).
            "%(file)s: the race %(race)s has the address %(slug)s here, not "
            "%(package)s: use %(key)s = %(slug)s"
        )
        % {
            "file": "edition.toml",
            "race": repr(race.name),
            "slug": repr(race.slug),
            "package": repr(package.slug),
            "key": "slug",
        }
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
                _("%(file)s: bib %(bib)s: %(name)s is the same rider as bib %(other)s")
                % {
                    "file": "riders.csv",
                    "bib": bib,
                    "name": f"{p.given_name} {p.family_name}",
                    "other": seen[key],
                }
            )
        seen.setdefault(key, bib)
    return problems
