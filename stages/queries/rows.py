"""The plain rows every table of the race pages is made of (a team time trial's
teams group its riders' rows), and the columns they are read from."""

from dataclasses import dataclass, field

from django.utils.translation import pgettext_lazy

from racing.text import PersonName
from stages.models import StageResult

# ``values_list`` columns of a row's rider (through its entry) and of its team.
RIDER_FIELDS = (
    "entry_id",
    "entry__bib",
    "entry__rider__slug",
    "entry__rider__given_name",
    "entry__rider__family_name",
    "entry__nationality",  # in that edition
)
TEAM_FIELDS = ("team__code", "team__name", "team__country")
TEAM_FIELDS_ENTRY = ("entry__team__code", "entry__team__name", "entry__team__country")
# A rider's status as the pages abbreviate it, in the page's language (the code,
# DNF..., stays the data's: CSV, JSON, the race package).
STATUS_ABBREVIATIONS = {
    StageResult.Status.DNF: pgettext_lazy("status abbreviation", "DNF"),
    StageResult.Status.DNS: pgettext_lazy("status abbreviation", "DNS"),
    StageResult.Status.OTL: pgettext_lazy("status abbreviation", "OTL"),
    StageResult.Status.DSQ: pgettext_lazy("status abbreviation", "DSQ"),
}


def status_abbreviation(code: str) -> str:
    """``DNF`` as the page's language abbreviates it (an unknown code as it is)."""
    return str(STATUS_ABBREVIATIONS.get(code, code))


@dataclass(frozen=True, slots=True)
class RiderRef(PersonName):
    slug: str
    given_name: str
    family_name: str
    nationality: str


@dataclass(frozen=True, slots=True)
class TeamRef:
    code: str
    name: str
    country: str = ""


@dataclass(slots=True)
class Row:
    """One line of any table: a rider's (or, on a team classification, a team's)
    result."""

    rank: int | None
    team: TeamRef
    value: int | None = None  # seconds, or points on a points classification
    gap: int | None = None
    entry_id: int | None = None
    bib: int | None = None
    rider: RiderRef | None = None
    previous_rank: int | None = None
    status: str = "OK"
    same_time: bool = False
    hundredths: int | None = None
    bonus: int | None = None
    penalty: int = 0
    gc_time: int | None = None
    points: int | None = None
    kom_points: int | None = None
    jerseys: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return StageResult.Status(self.status).label

    @property
    def status_abbreviation(self) -> str:
        return status_abbreviation(self.status)

    @property
    def movement(self) -> int | None:
        """Places gained (positive) or lost since the previous stage."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


@dataclass(slots=True)
class TeamResult:
    """A team on a team time trial: its place, its time (seconds, with hundredths
    when recorded), the gap to the winning team, and its riders' rows in the
    order of the stage result."""

    rank: int | None
    team: TeamRef
    value: int | None = None
    hundredths: int | None = None
    gap: int | None = None
    same_time: bool = False
    riders: list[Row] = field(default_factory=list)


def rider_ref(values: tuple) -> tuple[int, int, RiderRef]:
    """``(entry id, bib, rider)`` from the values of ``RIDER_FIELDS``."""
    entry_id, bib, slug, given, family, nationality = values
    return entry_id, bib, RiderRef(slug, given, family, nationality)
