"""The editors' admin: stages with their checkpoints and results inline, pasted
results and crossings with a preview, corrections one row at a time, race reports
with a live Markdown preview, and the computed standings (read-only).

Every write is a service call (``stages.services``, through
``stages.forms.WritesThroughServices``): the service locks the race, recomputes
the standings when they move and bumps the data version of the public pages; the
admin shows what changed at the top ("Standings updated after stage 12: …").
"""

from stages.admin import computed, reports, results, stage

__all__ = ["computed", "reports", "results", "stage"]
