"""The admin's forms and the bridge from its hooks to the services: results with
times as editors write them, reports with a preview, an autocomplete for a stage's
start list, and :class:`WritesThroughServices`, the base of every admin that
writes (``stages.admin``, ``editions.admin``)."""

from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse_lazy

from racing.timefmt import TimeFormatError, format_time, parse_clock
from stages.models import CheckpointCrossing, RaceReport, StageResult
from stages.services.stage import RowChanges

# The admin and the services


class WritesThroughServices(admin.ModelAdmin):
    """An admin whose writes are service calls. ``save_model`` writes nothing: the
    object is written with its inlines' changes by one call of
    :meth:`save_with_service` from ``save_related`` (which Django calls right
    after, for list-editable rows too), and deletions by
    :meth:`delete_with_service`. The lines a service returns (what changed at the
    top of the standings) are shown to the editor."""

    def save_with_service(
        self,
        request: HttpRequest,
        obj: models.Model,
        changed: set[str] | None,
        inlines: Mapping[type[models.Model], RowChanges],
    ) -> Iterable[str] | None:
        """Write ``obj`` (``changed`` is None when it is new) and its inlines'
        changes by model, through the model's service."""
        raise NotImplementedError(f"{type(self).__name__} names its save service")

    def delete_with_service(
        self, request: HttpRequest, objs: list[models.Model]
    ) -> Iterable[str] | None:
        """Delete ``objs`` through the model's service."""
        raise NotImplementedError(f"{type(self).__name__} names its delete service")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._refusable(
            super().changeform_view, request, object_id, form_url, extra_context
        )

    def changelist_view(self, request, extra_context=None):
        return self._refusable(super().changelist_view, request, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        return self._refusable(super().delete_view, request, object_id, extra_context)

    def _refusable(self, view, request: HttpRequest, *args) -> HttpResponse:
        """The view, or when a service refuses what the form accepted (a row another
        editor replaced meanwhile), the same page again with the reason; the view's
        transaction is rolled back, so nothing is saved."""
        try:
            return view(request, *args)
        except ValidationError as refused:
            reason = " ".join(refused.messages)
            self.message_user(request, f"Nothing was saved: {reason}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        """Deferred to ``save_related``: the object and its inlines are one write."""

    def save_related(self, request, form, formsets, change):
        inlines = {}
        for formset in formsets:
            saved = formset.save(commit=False)  # fills the change message's lists
            inlines[formset.model] = RowChanges(saved, list(formset.deleted_objects))
        changed = set(form.changed_data) if change else None
        lines = self.save_with_service(request, form.instance, changed, inlines)
        form.save_m2m()  # no model here has one; one added later is not lost
        self.tell(request, lines)

    def delete_model(self, request, obj):
        self.tell(request, self.delete_with_service(request, [obj]))

    def delete_queryset(self, request, queryset):
        self.tell(request, self.delete_with_service(request, list(queryset)))

    def tell(self, request: HttpRequest, lines: Iterable[str] | None) -> None:
        for line in lines or ():
            self.message_user(request, line, messages.SUCCESS)


def stage_from_referer(request: HttpRequest) -> int | None:
    """The stage whose change page an autocomplete request comes from, if any."""
    try:
        match = resolve(urlsplit(request.headers.get("referer", "")).path)
    except Resolver404:
        return None
    if match.url_name != "stages_stage_change":
        return None
    object_id = match.kwargs.get("object_id", "")
    return int(object_id) if object_id.isdigit() else None


# Results and crossings


class RaceTimeField(forms.CharField):
    """``H:MM:SS`` or ``M:SS``, optionally ``.hh``; cleans to (seconds, hundredths)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 14)
        kwargs.setdefault("widget", forms.TextInput(attrs={"size": 9}))
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value).strip()
        if not text:
            return None
        try:
            return parse_clock(text)
        except TimeFormatError as exc:
            raise ValidationError(str(exc), code="time") from None


def _time_text(seconds: int | None, hundredths: int | None) -> str:
    if seconds is None:
        return ""
    return format_time(seconds) + (f".{hundredths:02d}" if hundredths else "")


class EntryAutocomplete(AutocompleteSelect):
    """Autocomplete whose selected labels come from one query for a whole formset
    (the stock widget runs a query per row: 176 on a stage page)."""

    labels: dict[str, str] | None = None

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.labels = self.labels  # shared by every row's widget, never copied
        return copy

    def optgroups(self, name, value, attr=None):
        if self.labels is None:
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        for v in value:
            if str(v) in self.labels:
                options.append(
                    self.create_option(
                        name, v, self.labels[str(v)], {str(v)}, len(options)
                    )
                )
        return [(None, options, 0)]


class StageResultForm(forms.ModelForm):
    time = RaceTimeField(
        help_text="H:MM:SS or M:SS (.hh for time trials); blank if not finished."
    )
    gc_time = RaceTimeField(
        label="GC time",
        help_text="Only when the GC takes another time than the finish.",
    )

    class Meta:
        model = StageResult
        fields = [
            "stage",
            "rank",
            "entry",
            "time",
            "status",
            "bonus",
            "penalty",
            "gc_time",
            "points",
            "kom_points",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        result = self.instance
        if result.pk:
            self.initial["time"] = _time_text(result.time_s, result.hundredths)
            self.initial["gc_time"] = _time_text(result.gc_time_s, None)

    def clean(self):
        data = super().clean()
        entry, stage = (
            data.get("entry"),
            data.get("stage") or getattr(self.instance, "stage", None),
        )
        if entry is not None and stage is not None:
            if entry.edition_id != stage.edition_id:
                self.add_error("entry", "This rider is not on this race's start list.")
        return data

    def _post_clean(self):
        if "time" in self.cleaned_data:
            time = self.cleaned_data["time"]
            self.instance.time_s, self.instance.hundredths = time or (None, None)
        if "gc_time" in self.cleaned_data:
            gc_time = self.cleaned_data["gc_time"]
            self.instance.gc_time_s = gc_time[0] if gc_time else None
        super()._post_clean()


class CheckpointCrossingForm(forms.ModelForm):
    class Meta:
        model = CheckpointCrossing
        fields = ["checkpoint", "rank", "entry"]

    def clean(self):
        data = super().clean()
        entry, checkpoint = data.get("entry"), data.get("checkpoint")
        if entry is not None and checkpoint is not None:
            if entry.edition_id != checkpoint.stage.edition_id:
                self.add_error("entry", "This rider is not on this race's start list.")
        return data


# Reports and pastes


class RaceReportForm(forms.ModelForm):
    class Meta:
        model = RaceReport
        fields = ["stage", "headline", "status", "published_at", "author", "body"]
        widgets = {
            "headline": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "body": forms.Textarea(
                attrs={
                    "rows": 18,
                    "class": "report-body",
                    "hx-post": reverse_lazy("admin:stages_racereport_preview"),
                    # keyup too: an input event that fires before htmx has bound
                    # the field (a paste right after the page opens) is not lost.
                    "hx-trigger": "input changed delay:300ms, "
                    "keyup changed delay:300ms",
                    "hx-target": "#report-preview",
                    "hx-swap": "outerHTML",
                    "aria-describedby": "report-preview-heading",
                }
            ),
        }
        help_texts = {
            "body": "Markdown: blank line between paragraphs, **bold**, *italic*, "
            "[link](https://…), ## subheading. The preview below is what fans see.",
            "published_at": "A report published for a later time stays hidden "
            "until then.",
        }


class PasteForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        strip=False,
        max_length=200_000,
    )
    # The preview's digest (services.recompute.EngineInput.digest).
    version = forms.CharField(required=False, widget=forms.HiddenInput)
