"""Admin forms: results with times as editors write them, reports with a preview."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy

from racing.timefmt import TimeFormatError, format_time, parse_clock
from stages.models import RaceReport, StageResult


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
    # services.results_digest when the preview was made.
    version = forms.CharField(required=False, widget=forms.HiddenInput)
