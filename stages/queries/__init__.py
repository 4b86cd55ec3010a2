"""Reads for the race pages: each function runs a fixed number of queries (stated
in its docstring), whatever the number of riders, and returns plain rows.

- ``rows``: the rows every table is made of;
- ``results``: a stage's tables (result, by teams on a team time trial,
  classifications), jerseys, name filter;
- ``checkpoints``: a stage's sprints, climbs and bonus points, who scored there;
- ``races``: the stage or edition of a URL, editions, leaders, GC gaps.
- ``reports``: race reports, in the page's language where it has one.

Which tables exist is the registry's (``racing.registry``); ``TABLES`` is its map
of table keys, re-exported for the views' check of a URL's table.
"""

from racing.registry import TABLES
from stages.queries.checkpoints import (
    CheckpointTable,
    Crossing,
    StageCheckpoint,
    checkpoint_table,
    stage_checkpoints,
)
from stages.queries.races import (
    URL_INT_MAX,
    EditionCard,
    GapSeries,
    Leader,
    StageLine,
    edition_cards,
    edition_of,
    edition_stage_lines,
    gc_gap_series,
    latest_stage_number,
    latest_stage_with_results,
    leaders,
    next_stage,
    stage_of,
    team_codes,
)
from stages.queries.reports import (
    feed_reports,
    in_language,
    latest_reports,
    report_groups,
    stage_reports,
)
from stages.queries.results import (
    StageTop,
    edition_teams,
    filter_rows,
    filter_teams,
    jerseys_after,
    stage_awards,
    stage_numbers,
    stage_result_rows,
    stage_top,
    standing_rows,
    table_rows,
    team_time_trial,
)
from stages.queries.rows import RiderRef, Row, TeamRef, TeamResult

__all__ = [
    "team_codes",
    "TABLES",
    "CheckpointTable",
    "Crossing",
    "StageCheckpoint",
    "checkpoint_table",
    "URL_INT_MAX",
    "EditionCard",
    "GapSeries",
    "Leader",
    "RiderRef",
    "Row",
    "StageLine",
    "StageTop",
    "TeamRef",
    "TeamResult",
    "edition_cards",
    "edition_of",
    "edition_stage_lines",
    "edition_teams",
    "filter_rows",
    "filter_teams",
    "gc_gap_series",
    "jerseys_after",
    "feed_reports",
    "in_language",
    "latest_reports",
    "report_groups",
    "latest_stage_number",
    "latest_stage_with_results",
    "leaders",
    "next_stage",
    "stage_awards",
    "stage_checkpoints",
    "stage_numbers",
    "stage_of",
    "stage_reports",
    "stage_result_rows",
    "stage_top",
    "standing_rows",
    "table_rows",
    "team_time_trial",
]
