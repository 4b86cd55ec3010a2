"""The open JSON API's documents of people: a rider, the riders and the teams of
an edition, a team (from the rider and team pages' reads). See ``api_data``."""

from django.urls import reverse

from editions.models import Edition, Entry, Rider, Team
from racing.standings import Exit
from riders.queries import EditionRide, StartListTeam
from stages.api_data import edition_ref, rider_ref, team_ref
from teams.queries import TeamPage, TeamRow


def exit_of(exit: Exit | None) -> dict | None:
    return exit and {"stage": exit.stage, "status": exit.status}


def entry_rider(entry: Entry) -> dict:
    """A rider of a start list: a rider's reference with his bib, his nationality
    in that edition and his exit."""
    return rider_ref(entry.rider) | {
        "nationality": entry.nationality,
        "bib": entry.bib,
        "exit": exit_of(entry.exit),
    }


def start_list(edition: Edition, teams: list[StartListTeam]) -> dict:
    """The riders of an edition by team, in start-list order."""
    race, year = edition.race.slug, edition.year
    return {
        "url": reverse("api:riders", args=[race, year]),
        "page": reverse("riders:start_list", args=[race, year]),
        "edition": edition_ref(edition),
        "teams": [
            team_ref(edition, t.team) | {"riders": [entry_rider(e) for e in t.riders]}
            for t in teams
        ],
    }


def teams(edition: Edition, rows: list[TeamRow]) -> dict:
    """The teams of an edition with their riders still in, stage wins and team
    classification place after the latest stage."""
    race, year = edition.race.slug, edition.year
    return {
        "url": reverse("api:teams", args=[race, year]),
        "page": reverse("teams:list", args=[race, year]),
        "edition": edition_ref(edition),
        "teams": [
            team_ref(edition, row.team)
            | {
                "riders": row.riders,
                "still_in": row.still_in,
                "stage_wins": row.stage_wins,
                "rank": row.rank,
                "gap_seconds": row.gap,
            }
            for row in rows
        ],
    }


def team(edition: Edition, team: Team, page: TeamPage) -> dict:
    """A team in an edition: riders, stage wins and its race stage by stage."""
    return team_ref(edition, team) | {
        "edition": edition_ref(edition),
        "race_over": page.race_over,
        "riders": [entry_rider(r.entry) | {"gc_rank": r.gc_rank} for r in page.riders],
        "stage_wins": [
            {
                "stage": w.stage,
                "start": w.start,
                "finish": w.finish,
                "team_time_trial": w.team_time_trial,
                "rider": None if w.team_time_trial else entry_rider(w.entry),
            }
            for w in page.wins
        ],
        "days": [
            {
                "stage": d.stage,
                "rank": d.rank,
                "time_seconds": d.value,
                "gap_seconds": d.gap,
                "best_rider": d.best and entry_rider(d.best),
                "best_gc_rank": d.best_rank,
            }
            for d in page.days
        ],
    }


def rider(rider: Rider, rides: list[EditionRide]) -> dict:
    """A rider and every edition he started, newest first, stage by stage."""
    return rider_ref(rider) | {
        "birth_date": rider.birth_date and rider.birth_date.isoformat(),
        "rides": [_ride(ride) for ride in rides],
    }


def _ride(ride: EditionRide) -> dict:
    entry = ride.entry
    edition = entry.edition
    return {
        "edition": edition_ref(edition),
        "team": team_ref(edition, entry.team),
        "bib": entry.bib,
        "nationality": entry.nationality,
        "exit": exit_of(ride.exit),
        "ranks": ride.latest,
        "ranks_after_stage": ride.latest_stage,
        "jerseys": [
            {"classification": j.classification, "days": j.days}
            | {"first_stage": j.first, "last_stage": j.last}
            for j in ride.jerseys
        ],
        "stages": [
            {
                "number": s.number,
                "date": s.date.isoformat(),
                "start": s.start,
                "finish": s.finish,
                "type": s.type,
                "rank": s.rank,
                "status": s.status,
                "time_seconds": s.time_s,
                "gap_seconds": s.gap_s,
                "gc_rank": s.gc_rank,
                "wearing": s.wearing,
                "url": reverse(
                    "api:stage", args=[edition.race.slug, edition.year, s.number]
                ),
            }
            for s in ride.lines
        ],
    }
