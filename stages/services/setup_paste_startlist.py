"""An edition's teams and start list pasted in the admin (the rules of
``setup_paste``). A team's name and country move no standings.

Each row's rider is matched with the stored riders as a race package's are
(``identity``): a **known** rider (same names, case and accents ignored, and same
birth date) rides again, his stored details unchanged; a rider whose names no
stored rider has is **new**; a namesake with another birth date waits for the
editor's choice, made on the preview: the same rider as one of them, or a new
rider. The confirm requires every choice.

A row's team must be a team of this edition (pasted before, on the teams page). A
stored bib takes the pasted row: another team, or another rider while its entry
has no results (a bib whose entry has results keeps its rider: refused, naming the
bib). A rider rides an edition once: a rider given a bib while he holds another
one in this edition is refused, and so is the same rider on two rows.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from editions.models import Edition, Entry, Rider, Team
from racing.parsing.csvrows import problem
from racing.parsing.setup_paste import (
    EntrySpec,
    PastedRow,
    read_start_list,
    read_team_list,
)
from stages.models import StageResult
from stages.services.identity import (
    DECIDE,
    KNOWN,
    Person,
    RiderMatch,
    match_riders,
    nationalities_refresh,
    riders_for,
    undecided,
)
from stages.services.setup_paste import (
    CHANGED,
    KEPT,
    NEW,
    UNCHANGED,
    Change,
    SetupPreview,
    SetupRow,
    apply,
    digest,
    field_problems,
    row_status,
    save_paste,
    shown,
    unread,
)
from stages.services.setup_paste import DECIDE as TO_DECIDE
from stages.services.writes import row_token

# The teams -------------------------------------------------------------------------

# How the parser's problems name a paste: English, as the parser's words are.
TEAMS_LABEL = "Pasted teams"
TEAM_HEADERS = (gettext_lazy("Code"), gettext_lazy("Name"), gettext_lazy("Country"))


def teams_preview(edition: Edition, text: str) -> SetupPreview:
    """Pasted teams against the edition's teams (1 query)."""
    preview = SetupPreview("teams", TEAMS_LABEL, TEAM_HEADERS)
    if not text.strip():
        return preview.refuse(_("Paste the teams first."))
    table = read_team_list(TEAMS_LABEL, text)
    preview.read(table)
    stored = {t.code: t for t in Team.objects.filter(edition=edition)}
    preview.digest = digest((t.pk, row_token(t)) for t in stored.values())
    preview.touched.shows(edition.pk)
    new, changed = [], []
    for row in table.rows:
        if row.spec is None:
            preview.add(unread(row, ("code", "name", "country"), "code"))
            continue
        spec = row.spec
        team, changes = stored.pop(spec.code, None), ()
        if team is None:
            team = Team(edition=edition, code=spec.code)
            apply(team, {"name": spec.name, "country": spec.country})
            new.append(team)
        else:
            changes = apply(team, {"name": spec.name, "country": spec.country})
            changed += [team] if changes else []
        problems = field_problems(team, row, TEAMS_LABEL, ["edition"])
        preview.add(
            SetupRow(
                spec.code,
                (team.code, team.name, team.country),
                row_status(team, changes),
                row.line,
                changes,
                problems,
            )
        )
    for team in stored.values():
        preview.add(SetupRow(team.code, (team.code, team.name, team.country), KEPT))

    def plan() -> None:
        Team.objects.bulk_create(new)
        Team.objects.bulk_update(changed, ["name", "country"])

    preview.plan = plan if not preview.problems else None
    return preview


def teams_paste_save(
    *, edition: Edition, text: str, expected_digest: str | None = None
) -> str:
    """Add and update the edition's teams from pasted rows (see the module's
    rules; names and countries move no standings); returns the message."""
    return save_paste(lambda: teams_preview(edition, text), expected_digest)


# The start list ---------------------------------------------------------------------

RIDERS_LABEL = "Pasted start list"
RIDER_HEADERS = (
    *(gettext_lazy("Bib"), gettext_lazy("Rider"), gettext_lazy("Nationality")),
    *(gettext_lazy("Birth date"), gettext_lazy("Team"), gettext_lazy("Who he is")),
)
_PASTED = ("bib", "last_name", "nationality", "birth_date", "team", "first_name")


@dataclass(frozen=True)
class Choice:
    """A pasted rider with stored namesakes of another birth date: who he is.
    ``chosen`` is a namesake's id, None for a new rider, or ``...`` undecided."""

    bib: int
    name: str
    birth_date: date | None
    namesakes: tuple[Rider, ...]
    chosen: object = ...


def riders_preview(
    edition: Edition, text: str, decisions: Mapping[int, int | None] | None = None
) -> SetupPreview:
    """A pasted start list against the edition's teams and entries and the
    stored riders; ``decisions`` say who each namesake is (3 queries)."""
    preview = SetupPreview("riders", RIDERS_LABEL, RIDER_HEADERS)
    if not text.strip():
        return preview.refuse(_("Paste the start list first."))
    teams = {t.code: t for t in Team.objects.filter(edition=edition)}
    table = read_start_list(RIDERS_LABEL, text, teams)
    preview.read(table)
    if any(r.spec and r.spec.team_code not in teams for r in table.rows):
        preview.notes.append(_teams_note(edition, teams))
    entries = {
        e.bib: e
        for e in Entry.objects.filter(edition=edition)
        .select_related("rider", "team")
        .annotate(has_results=Exists(StageResult.objects.filter(entry=OuterRef("pk"))))
    }
    specs = [r.spec for r in table.rows if r.spec is not None]
    matches, taken = match_riders(_person(s) for s in specs)
    preview.digest = _digest(teams, entries, matches)
    preview.touched.shows(edition.pk)
    plan = _Plan(edition, teams, matches, taken, decisions or {})
    plan.held = {e.rider_id: e.bib for e in entries.values()}
    for row in table.rows:
        if row.spec is None:
            preview.add(unread(row, _PASTED, "bib"))
        else:
            stored = entries.pop(row.spec.bib, None)
            preview.add(plan.row(row, stored))
    for entry in entries.values():
        preview.add(SetupRow(str(entry.bib), _entry_cells(entry), KEPT))
    preview.undecided = undecided(
        {bib: matches[bib] for bib in plan.deciding}, decisions or {}
    )
    if plan.team_moves:
        preview.touched.moves(edition.pk)
    preview.plan = plan.write if not preview.problems else None
    return preview


def _person(spec: EntrySpec) -> Person:
    return Person(
        spec.bib, spec.given_name, spec.family_name, spec.nationality, spec.birth_date
    )


def _teams_note(edition: Edition, teams: Mapping[str, Team]) -> str:
    if not teams:
        return _("%(edition)s has no teams yet: paste its teams first.") % {
            "edition": edition
        }
    return _(
        "The teams of %(edition)s: %(codes)s. A rider's team must be one of them: "
        "paste the missing teams first."
    ) % {"edition": edition, "codes": ", ".join(sorted(teams))}


def _digest(
    teams: Mapping[str, Team],
    entries: Mapping[int, Entry],
    matches: Mapping[int, RiderMatch],
) -> str:
    """The stored rows the preview depends on: the teams, the entries (and
    whether they have results) and every stored rider a pasted one matched."""
    matched = {r.pk: r for m in matches.values() for r in (m.known, *m.namesakes) if r}
    return digest(
        [
            *(("team", t.pk, t.code) for t in teams.values()),
            *(("entry", e.pk, row_token(e), e.has_results) for e in entries.values()),
            *(("rider", pk, row_token(r)) for pk, r in matched.items()),
        ]
    )


def _entry_cells(entry: Entry) -> tuple[str, ...]:
    rider = entry.rider
    born = shown(rider.birth_date)
    cells = (rider.display_name, rider.nationality, born, entry.team.code, "")
    return (str(entry.bib), *cells)


class _Plan:
    """The pasted rows of a start list as read, and the write they make: new
    entries (with the riders new to the site) and changed ones."""

    def __init__(self, edition, teams, matches, taken, decisions):
        self.edition, self.teams, self.matches = edition, teams, matches
        self.taken, self.decisions = taken, decisions
        self.held: dict[int, int] = {}  # stored rider id -> his bib in the edition
        self.new: list[tuple[int, str]] = []  # (bib, team code)
        self.changed: list[tuple[Entry, str, bool]] = []  # (entry, team, new rider)
        self.deciding: list[int] = []  # bibs whose rider the editor chooses
        self.team_moves = False  # an entry with results changes team
        self.seen: dict[object, int] = {}  # who each row's rider is -> his bib

    def row(self, pasted: PastedRow, entry: Entry | None) -> SetupRow:
        """The preview's row of one pasted rider, planned when it can be saved."""
        line, spec = pasted.line, pasted.spec
        match = self.matches[spec.bib]
        who, matched = self._who(match)
        name = f"{spec.family_name.upper()} {spec.given_name}"
        problems = self._problems(pasted, who)
        changes, notes = (), ()
        if entry is not None:
            changes, notes, refused = self._change(entry, spec, who, name)
            problems += [problem(RIDERS_LABEL, line, p) for p in refused]
        if problems:
            status = ""
        elif who is ...:
            status = TO_DECIDE
        elif entry is None:
            status = NEW
            self.new.append((spec.bib, spec.team_code))
        else:
            status = CHANGED if changes else UNCHANGED
        choice = None
        if match.status == DECIDE:
            choice = Choice(
                spec.bib, name, spec.birth_date, match.namesakes, self._chosen(spec.bib)
            )
        born = shown(spec.birth_date)
        cells = (str(spec.bib), name, spec.nationality, born, spec.team_code, matched)
        return SetupRow(
            str(spec.bib),
            cells,
            status,
            line,
            changes,
            tuple(problems),
            notes,
            choice,
        )

    def _chosen(self, bib: int) -> object:
        return self.decisions.get(bib, ...)

    def _who(self, match: RiderMatch) -> tuple[object, str]:
        """Who a row's rider is (a stored rider's id; for a new rider, his slug
        and birth date; ``...`` while undecided) and how the preview says it."""
        person = match.person
        if match.status == KNOWN:
            born = shown(match.known.birth_date) or _("birth date unknown")
            return match.known.pk, _("Known rider (born %(born)s)") % {"born": born}
        if match.status == DECIDE:
            self.deciding.append(person.key)
            chosen = self._chosen(person.key)
            if chosen is ...:
                return ..., _("To decide: a rider of this name is stored")
            if chosen is not None:
                return chosen, _("The stored rider chosen")
        return (person.base_slug, person.birth_date), _("New rider")

    def _problems(self, pasted: PastedRow, who: object) -> list[str]:
        spec = pasted.spec
        rider = Rider(
            given_name=spec.given_name,
            family_name=spec.family_name,
            nationality=spec.nationality,
            birth_date=spec.birth_date,
        )
        problems = list(field_problems(rider, pasted, RIDERS_LABEL, ["slug"]))
        if who is ...:
            return problems
        why = []
        if who in self.seen:
            why.append(_("the same rider as bib %(bib)s") % {"bib": self.seen[who]})
        self.seen.setdefault(who, spec.bib)
        if isinstance(who, int) and self.held.get(who, spec.bib) != spec.bib:
            named, bib = f"{spec.given_name} {spec.family_name}", self.held[who]
            why.append(
                _(
                    "%(name)s already rides this edition with bib %(bib)s (a bib is "
                    "changed on the entry's page)"
                )
                % {"name": named, "bib": bib}
            )
        return problems + [problem(RIDERS_LABEL, pasted.line, p) for p in why]

    def _change(
        self, entry: Entry, spec: EntrySpec, who: object, name: str
    ) -> tuple[tuple[Change, ...], tuple[str, ...], list[str]]:
        """A stored bib's changes, its notes, and why it is refused."""
        changes, notes, refused = [], [], []
        replaced = who is not ... and who != entry.rider_id
        if replaced:
            changes.append(Change("rider", entry.rider.display_name, name))
            if entry.has_results:
                refused.append(
                    _(
                        "bib %(bib)s is %(rider)s's, who has results in this "
                        "edition: it cannot pass to %(name)s. Check the bib, or "
                        "correct his results first."
                    )
                    % {"bib": spec.bib, "rider": entry.rider.display_name, "name": name}
                )
        if spec.nationality and entry.nationality != spec.nationality and not replaced:
            # His nationality in this edition, corrected.
            changes.append(Change("nationality", entry.nationality, spec.nationality))
        if entry.team.code != spec.team_code:
            changes.append(Change("team", entry.team.code, spec.team_code))
            if entry.has_results:
                self.team_moves = True
                notes.append(_("He has results: the standings are computed again."))
        if changes and not refused:
            self.changed.append((entry, spec.team_code, replaced))
        return tuple(changes), tuple(notes), refused

    def write(self) -> None:
        """Create the riders new to the site and the new entries; update the
        changed entries (under the edition lock, from ``writes.write``)."""
        needed = {bib for bib, _ in self.new}
        needed |= {entry.bib for entry, _, replaced in self.changed if replaced}
        riders = riders_for(
            {bib: m for bib, m in self.matches.items() if bib in needed},
            self.taken,
            self.decisions,
        )
        Entry.objects.bulk_create(
            Entry(
                edition=self.edition,
                bib=bib,
                rider=riders[bib],
                team=self.teams[code],
                nationality=self.matches[bib].person.nationality,
            )
            for bib, code in self.new
        )
        for entry, code, replaced in self.changed:
            entry.team = self.teams[code]
            if replaced:
                entry.rider = riders[entry.bib]
            pasted = self.matches[entry.bib].person.nationality
            entry.nationality = pasted or entry.rider.nationality
        Entry.objects.bulk_update(
            [e for e, _, _ in self.changed], ["rider", "team", "nationality"]
        )
        nationalities_refresh(
            {r.pk for r in riders.values()} | {e.rider_id for e, _, _ in self.changed}
        )


def riders_paste_save(
    *,
    edition: Edition,
    text: str,
    decisions: Mapping[int, int | None] | None = None,
    expected_digest: str | None = None,
) -> str:
    """Add and update the edition's entries, with the riders new to the site, from
    a pasted start list (see the module's rules); returns the message."""
    return save_paste(lambda: riders_preview(edition, text, decisions), expected_digest)
