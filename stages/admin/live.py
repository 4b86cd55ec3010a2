"""The live desk of a stage (``<stage>/live/``): one admin page to run a stage
live from a laptop. It posts, corrects and deletes ticker entries, replaces the
race situation (km to go and the groups on the road), adds the riders over the
line as they arrive, and makes the stage live and final.

Plain forms (no script), each posted to the desk with its ``action``: a save
redirects back to the desk with a message (Post/Redirect/Get); a form the
service refuses (``stages.services.live.LiveRefused``) comes back as typed, with
every reason next to it, and nothing is saved. Any staff user with the change
permission of the stage may use it (the Editors group has it)."""

from dataclasses import asdict

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from live.models import TickerEntry
from racing.standings import OUT_STATUSES
from racing.timefmt import format_gap, format_time
from stages.live_forms import (
    ArrivalsForm,
    TickerForm,
    group_rows,
    situation_form,
)
from stages.markdown import render_inline
from stages.models import Stage, StageResult
from stages.queries import live as live_queries
from stages.services import live
from stages.tables import live_url
from toursite.converters import form_int

# The riders over the line the desk lists (the last ones in).
LAST_ARRIVALS = 3

Bound = dict[str, object]

# The field each form's keyboard focus starts in.
FOCUS = {"ticker": "text", "situation": "km_to_go", "arrivals": "text"}

# What the message at the top says when the service refuses a form.
REFUSED = {
    "ticker": gettext_lazy(
        "Nothing was saved: the ticker entry needs correcting (see the form)."
    ),
    "situation": gettext_lazy(
        "Nothing was saved: the race situation needs correcting (see the form)."
    ),
    "arrivals": gettext_lazy(
        "Nothing was saved: the arrivals needs correcting (see the form)."
    ),
}


def _time(moment) -> str:
    return f"{timezone.localtime(moment):%H:%M}"


class LiveDeskViews(admin.ModelAdmin):
    """The stage admin's live desk, and a link to it on each row of the list."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        desk = path(
            "<path:object_id>/live/",
            self.admin_site.admin_view(self.live_desk_view),
            name="{}_{}_live_desk".format(*info),
        )
        return [desk, *super().get_urls()]

    def get_list_display(self, request):
        return [*super().get_list_display(request), "live_desk"]

    @admin.display(description=gettext_lazy("live desk"))
    def live_desk(self, stage: Stage) -> str:
        is_live = stage.status == Stage.Status.LIVE
        label = _("Live desk (live)") if is_live else _("Live desk")
        return format_html('<a href="{}">{}</a>', self.desk_url(stage), label)

    def desk_url(self, stage: Stage) -> str:
        info = self.opts.app_label, self.opts.model_name
        return reverse("admin:{}_{}_live_desk".format(*info), args=[stage.pk])

    def live_desk_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        stage = self.get_object(request, unquote(object_id))
        if stage is None:
            raise Http404("No such stage.")
        if not self.has_change_permission(request, stage):
            raise PermissionDenied
        bound: Bound = {}
        if request.method == "POST":
            actions = {
                "ticker": self.desk_ticker,
                "delete": self.desk_delete,
                "situation": self.desk_situation,
                "arrivals": self.desk_arrivals,
                "go-live": self.desk_go_live,
                "make-final": self.desk_make_final,
            }
            action = actions.get(request.POST.get("action", ""))
            if action is None:
                return HttpResponseBadRequest("Unknown action of the live desk.")
            outcome = action(request, stage)
            if isinstance(outcome, HttpResponse):
                return outcome
            bound = outcome
        return self.desk_page(request, stage, bound)

    # Saves: each returns the redirect to the desk, or its form, refused.

    def desk_ticker(self, request: HttpRequest, stage: Stage) -> HttpResponse | Bound:
        data = request.POST.copy()
        entry, gone = None, False
        key = TickerForm.prefix + "-entry"
        if (entry_id := form_int(data.get(key, ""))) is not None:
            entry = self.ticker_entry(stage, entry_id)
            gone = entry is None
            if gone:
                data[key] = ""  # saved again, it is a new entry
        form = TickerForm(data, entry=entry)
        if gone:
            form.add_error(
                None,
                _(
                    "This ticker entry was deleted meanwhile: save posts it again as "
                    "a new entry."
                ),
            )
        if not form.is_valid():
            return self.desk_refused(request, "ticker", form)
        try:
            if entry is None:
                saved = live.ticker_post(stage=stage, **asdict(form.line()))
            else:
                token = form.cleaned_data["token"]
                saved = live.ticker_update(entry=entry, line=form.line(), token=token)
        except live.LiveRefused as refused:
            return self.desk_refused(request, "ticker", form, refused.messages)
        if entry is None:
            done = _("Ticker entry of %(time)s posted.")
        else:
            done = _("Ticker entry of %(time)s corrected.")
        self.message_user(request, done % {"time": _time(saved.at)}, messages.SUCCESS)
        return HttpResponseRedirect(self.desk_url(stage))

    def desk_delete(self, request: HttpRequest, stage: Stage) -> HttpResponse:
        entry_id = form_int(request.POST.get("entry", ""))
        entry = self.ticker_entry(stage, entry_id) if entry_id is not None else None
        if entry is None:
            self.message_user(
                request, _("This ticker entry was deleted already."), messages.WARNING
            )
        else:
            live.ticker_delete(entry=entry)
            self.message_user(
                request,
                _("Ticker entry of %(time)s deleted: “%(text)s”.")
                % {"time": _time(entry.at), "text": entry.text[:80]},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(self.desk_url(stage))

    def desk_situation(
        self, request: HttpRequest, stage: Stage
    ) -> HttpResponse | Bound:
        form = situation_form(request.POST)
        rows = group_rows(request.POST)
        bound: Bound = {"situation": form, "groups": rows}
        if not (form.is_valid() & rows.is_valid()):  # both, for all their errors
            return self.desk_refused(request, "situation", form, bound=bound)
        groups = rows.groups()
        try:
            live.situation_save(
                stage=stage, km_to_go=form.cleaned_data["km_to_go"], groups=groups
            )
        except live.LiveRefused as refused:
            return self.desk_refused(
                request, "situation", form, refused.messages, bound=bound
            )
        self.message_user(
            request,
            situation_saved(len(groups), form.cleaned_data["km_to_go"]),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self.desk_url(stage))

    def desk_arrivals(self, request: HttpRequest, stage: Stage) -> HttpResponse | Bound:
        form = ArrivalsForm(request.POST)
        if not form.is_valid():
            return self.desk_refused(request, "arrivals", form)
        text = form.cleaned_data["text"]
        try:
            lines = live.arrivals_paste_save(stage=stage, text=text)
        except live.LiveRefused as refused:
            return self.desk_refused(request, "arrivals", form, refused.messages)
        rows = len([line for line in text.strip().splitlines() if line.strip()])
        self.log_change(request, stage, f"Live desk: pasted arrivals ({rows} lines).")
        over = over_the_line(stage)
        saved = ngettext(
            "Arrivals saved: %(count)s over the line.",
            "Arrivals saved: %(count)s over the line.",
            over,
        )
        self.message_user(request, saved % {"count": over}, messages.SUCCESS)
        for line in lines:
            self.message_user(request, line, messages.SUCCESS)
        return HttpResponseRedirect(self.desk_url(stage))

    def desk_go_live(self, request: HttpRequest, stage: Stage) -> HttpResponse:
        if stage.status == Stage.Status.LIVE:
            self.message_user(
                request,
                _("Stage %(number)s is live already.") % {"number": stage.number},
                messages.INFO,
            )
        else:
            live.stage_go_live(stage=stage)
            self.log_change(request, stage, "Live desk: went live.")
            self.message_user(
                request,
                _("Stage %(number)s is live: its pages show the live panel.")
                % {"number": stage.number},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(self.desk_url(stage))

    def desk_make_final(self, request: HttpRequest, stage: Stage) -> HttpResponse:
        if stage.status != Stage.Status.LIVE:
            self.message_user(
                request,
                _("Stage %(number)s is not live: nothing to make final.")
                % {"number": stage.number},
                messages.ERROR,
            )
            return HttpResponseRedirect(self.desk_url(stage))
        try:
            live.stage_make_final(stage=stage)
        except live.LiveRefused as refused:
            for reason in refused.messages:
                self.message_user(request, reason, messages.ERROR)
            return HttpResponseRedirect(self.desk_url(stage))
        self.log_change(request, stage, "Live desk: made final.")
        self.message_user(
            request,
            _("Stage %(number)s is final: its tables are official.")
            % {"number": stage.number},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self.desk_url(stage))

    def desk_refused(
        self,
        request: HttpRequest,
        name: str,
        form,
        reasons=(),
        bound: Bound | None = None,
    ) -> Bound:
        """The form ``name`` back as typed, with the service's ``reasons`` next to
        it and a message at the top."""
        for reason in reasons:
            form.add_error(None, reason)
        self.message_user(request, REFUSED[name], messages.ERROR)
        return bound or {name: form}

    # The page

    def ticker_entry(self, stage: Stage, entry_id: int) -> TickerEntry | None:
        entries = TickerEntry.objects.filter(stage=stage, pk=entry_id)
        return entries.prefetch_related("riders").first()

    def desk_page(
        self, request: HttpRequest, stage: Stage, bound: Bound
    ) -> TemplateResponse:
        editing = None
        if "ticker" not in bound and (pk := form_int(request.GET.get("edit", ""))):
            editing = self.ticker_entry(stage, pk)
            if editing is None:
                messages.warning(request, _("That ticker entry was deleted meanwhile."))
        current = live_queries.situation(stage)
        forms = {
            "ticker": TickerForm(entry=editing),
            "situation": situation_form(situation=current),
            "groups": group_rows(situation=current),
            "arrivals": ArrivalsForm(),
            **bound,
        }
        # The keyboard starts in the ticker, or in the form just refused.
        focused = next((name for name in FOCUS if name in bound), "ticker")
        for name, field in FOCUS.items():
            forms[name].fields[field].widget.attrs["autofocus"] = name == focused
        context = {
            **self.admin_site.each_context(request),
            "title": _("Live desk: stage %(number)s") % {"number": stage.number},
            "subtitle": str(stage),
            "opts": self.opts,
            "original": stage,
            "stage": stage,
            "is_live": stage.status == Stage.Status.LIVE,
            "desk_url": self.desk_url(stage),
            "ticker_form": forms["ticker"],
            "situation_form": forms["situation"],
            "group_rows": forms["groups"],
            "arrivals_form": forms["arrivals"],
            "current": current,
            "entries": ticker_lines(stage),
            **arrivals_context(stage),
            **public_links(stage),
            "has_view_permission": self.has_view_permission(request, stage),
        }
        return TemplateResponse(request, "admin/stages/stage/live_desk.html", context)


def situation_saved(groups: int, km) -> str:
    """``Race situation saved: 3 groups, 45.5 km to go.`` (km in the page's
    language: ``45,5`` in French)."""
    if km is None:
        saved = ngettext(
            "Race situation saved: %(count)s group.",
            "Race situation saved: %(count)s groups.",
            groups,
        )
        return saved % {"count": groups}
    saved = ngettext(
        "Race situation saved: %(count)s group, %(km)s km to go.",
        "Race situation saved: %(count)s groups, %(km)s km to go.",
        groups,
    )
    return saved % {"count": groups, "km": number_format(km)}


def ticker_lines(stage: Stage) -> list[tuple[TickerEntry, str, list[int]]]:
    """Every ticker entry of the stage, newest first, with its text as fans see
    it and its riders' bibs (2 queries)."""
    return [
        (e, render_inline(e.text), sorted(r.bib for r in e.riders.all()))
        for e in live_queries.ticker(stage, limit=None)
    ]


def over_the_line(stage: Stage) -> int:
    results = StageResult.objects.filter(stage=stage)
    return results.exclude(status__in=OUT_STATUSES).count()


def arrivals_context(stage: Stage) -> dict:
    """How many riders are over the line and the last ones in, with their gaps
    to the winner (3 queries)."""
    results = StageResult.objects.filter(stage=stage)
    winner = results.filter(rank=1).values_list("time_s", flat=True).first()
    last = list(
        results.filter(rank__isnull=False)
        .select_related("entry__rider")
        .order_by("-rank")[:LAST_ARRIVALS]
    )
    return {
        "over_the_line": over_the_line(stage),
        "last_arrivals": [
            (
                row,
                format_time(row.time_s),
                format_gap(row.time_s - winner)
                if row.time_s is not None and winner is not None and row.rank > 1
                else "",
            )
            for row in last
        ],
    }


def public_links(stage: Stage) -> dict:
    edition = stage.edition
    args = [edition.race.slug, edition.year, stage.number]
    return {
        "public_url": reverse("stages:detail", args=args),
        "public_live_url": live_url(stage),
    }
