"""The admin's forms and the bridge from its hooks to the services: results with
times as editors write them, :class:`WritesThroughServices`, the base of every
admin that writes (``stages.admin``, ``editions.admin``), with
:class:`RowTokenForm`, the base of their forms, and :class:`FoldedSearch`, their
search of names without case or accents. Forms of one admin page live with it."""

from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _

from editions.models import Team
from racing.text import slugify
from racing.timefmt import TimeFormatError, format_time, parse_clock
from stages.models import CheckpointCrossing, StageResult
from stages.services import writes
from stages.services.stage import RowChanges
from toursite.converters import form_int

# The admin and the services

ROW_TOKEN = "row_token"


class RowTokenField(forms.CharField):
    """Hidden; never a change of the row (nor of the change message)."""

    def __init__(self, **kwargs):
        super().__init__(required=False, widget=forms.HiddenInput, **kwargs)

    def has_changed(self, initial, data) -> bool:
        return False


class RowTokenForm(forms.ModelForm):
    """The base of the forms of :class:`WritesThroughServices`: a hidden token of
    the row as the form was built from it (``services.writes.row_token``), which
    the save checks under the lock. ``refused`` is set when the save was refused:
    the form shows the reason and stays invalid."""

    row_token = RowTokenField()
    refused: writes.RowRefused | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial[ROW_TOKEN] = writes.row_token(self.instance)

    def full_clean(self):
        refused = self.refused
        if not self.is_bound or refused is None:
            return super().full_clean()
        # The reason alone: other checks would compare with rows since replaced.
        self._errors, self.cleaned_data = ErrorDict(renderer=self.renderer), {}
        reason, row = refused.message, refused.row
        if (type(row), row.pk) != (type(self.instance), self.instance.pk):
            who = getattr(row, "entry", row)  # an inline's row
            reason = _("%(row)s: %(reason)s") % {"row": who, "reason": reason}
        self.add_error(None, ValidationError(reason, code=refused.code))

    def expected(self) -> writes.Expected:
        """The row to find stored, unchanged since the form was built, at the
        save."""
        return writes.Expected(self.instance, self.cleaned_data.get(ROW_TOKEN) or "")


class WritesThroughServices(admin.ModelAdmin):
    """An admin whose writes are service calls. ``save_model`` writes nothing: the
    object is written with its inlines' changes by one call of
    :meth:`save_with_service` from ``save_related`` (which Django calls right
    after, for list-editable rows too), and deletions by
    :meth:`delete_with_service`. The lines a service returns (what changed at the
    top of the standings) are shown to the editor. Its forms carry the token of
    the row they were built from (:class:`RowTokenForm`): a save of a row deleted
    or changed since is refused, and the form comes back with the reason."""

    form = RowTokenForm

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
            self._retold, request, object_id, form_url, extra_context
        )

    def _retold(self, request: HttpRequest, *args) -> HttpResponse:
        """The change form; when the row it was built from was deleted or changed
        by another save before this one took the lock, the same form again (its
        transaction rolled back: nothing saved), the reason as its error."""
        try:
            return super().changeform_view(request, *args)
        except writes.RowRefused as refused:
            request.row_refused = refused
            return super().changeform_view(request, *args)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        refused = getattr(request, "row_refused", None)
        if obj is None and refused is not None and refused.code == "gone":
            return refused.row  # shown with the reason, not "doesn't exist"
        return obj

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        if request.method == "POST" and ROW_TOKEN in request.POST:
            # A change form whose row went before the save came in.
            self.message_user(request, writes.gone_message(self.model), messages.ERROR)
            changelist = f"admin:{opts.app_label}_{opts.model_name}_changelist"
            return HttpResponseRedirect(reverse(changelist))
        return super()._get_obj_does_not_exist_redirect(request, opts, object_id)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refused = getattr(request, "row_refused", None)
        if refused is not None and issubclass(form, RowTokenForm):
            form = type(form.__name__, (form,), {"refused": refused})
        return form

    def get_fieldsets(self, request, obj=None):
        """The fieldsets with the row token, hidden, on a change form (not on a
        read-only one, where it would show as a field)."""
        fieldsets = [
            (name, {**options, "fields": _without_token(options["fields"])})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if obj is not None and fieldsets and self.has_change_permission(request, obj):
            name, options = fieldsets[0]
            fields = [*options["fields"], ROW_TOKEN]
            fieldsets[0] = (name, {**options, "fields": fields})
        return fieldsets

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
            message = _("Nothing was saved: %(reason)s") % {"reason": reason}
            self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        """Deferred to ``save_related``: the object and its inlines are one write."""

    def save_related(self, request, form, formsets, change):
        inlines = {}
        for formset in formsets:
            saved = formset.save(commit=False)  # fills the change message's lists
            inlines[formset.model] = RowChanges(saved, list(formset.deleted_objects))
        changed = set(form.changed_data) if change else None
        with writes.expecting(*_expected_rows(form, formsets) if change else ()):
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


class RowTokenInline(admin.TabularInline):
    """An inline of a :class:`WritesThroughServices` page whose rows carry their
    tokens: a row changed meanwhile is refused like the page's own object."""

    form = RowTokenForm

    def get_fields(self, request, obj=None):
        fields = _without_token(super().get_fields(request, obj))
        if self.has_change_permission(request, obj):
            fields.append(ROW_TOKEN)
        return fields


def _without_token(fields) -> list:
    return [f for f in fields if f != ROW_TOKEN]


def _expected_rows(form: forms.ModelForm, formsets) -> list[writes.Expected]:
    """The stored rows a change form saves, each to be found as it was built (by
    its token when the form has one, a list's row by its id only)."""
    forms_ = [
        form,
        *(f for fs in formsets for f in fs.initial_forms if f.has_changed()),
    ]
    return [
        f.expected() if isinstance(f, RowTokenForm) else writes.Expected(f.instance)
        for f in forms_
        if f.instance.pk is not None
        and not getattr(f, "cleaned_data", {}).get("DELETE")
    ]


def stage_from_referer(request: HttpRequest) -> int | None:
    """The stage whose change page an autocomplete request comes from, if any."""
    try:
        match = resolve(urlsplit(request.headers.get("referer", "")).path)
    except Resolver404:
        return None
    if match.url_name != "stages_stage_change":
        return None
    object_id = match.kwargs.get("object_id", "")
    return form_int(object_id)


# Searching names


class FoldedSearch(admin.ModelAdmin):
    """A search that ignores case and accents in names, on every database: each
    word (or quoted phrase) of the term matches the ``search_fields`` as Django
    searches them, or, folded (``racing.text.slugify``), a rider's slug (his
    ``given-family`` name, already folded: "pogacar" finds Pogačar) or a team's
    name (folded here: there are a few hundred). ``folded_rider`` and
    ``folded_team`` are the paths to them ("" for the model itself)."""

    folded_rider: str | None = None
    folded_team: str | None = None

    def get_search_results(self, request, queryset, search_term):
        bits = list(smart_split(search_term))
        if not bits:
            return super().get_search_results(request, queryset, search_term)
        teams = None
        query = Q()
        for bit in bits:
            found = super().get_search_results(request, queryset, bit)[0]
            match = Q(pk__in=found.values("pk"))
            word = slugify(_unquoted(bit))
            if any(c.isalpha() for c in word):
                if self.folded_team is not None:
                    teams = teams if teams is not None else _folded_team_names()
                    ids = [pk for pk, name in teams if word in name]
                    match |= self._through(self.folded_team, "pk__in", ids)
                if self.folded_rider is not None:
                    match |= self._through(self.folded_rider, "slug__contains", word)
            query &= match
        return queryset.filter(query), False

    def _through(self, path: str, lookup: str, value) -> Q:
        if not path:
            return Q(**{lookup: value})
        related = self.model._default_manager.filter(**{f"{path}__{lookup}": value})
        return Q(pk__in=related.values("pk"))


def _unquoted(bit: str) -> str:
    try:
        return unescape_string_literal(bit)
    except ValueError:
        return bit


def _folded_team_names() -> list[tuple[int, str]]:
    return [(pk, slugify(name)) for pk, name in Team.objects.values_list("pk", "name")]


# Results and crossings

NOT_ON_START_LIST = _("This rider is not on this race's start list.")


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


class StageResultForm(RowTokenForm):
    time = RaceTimeField(  # no label: the log names it "time", translated when read
        help_text=_("H:MM:SS or M:SS (.hh for time trials); blank if not finished."),
    )
    gc_time = RaceTimeField(
        label=_("GC time"),
        help_text=_("Only when the GC takes another time than the finish."),
    )

    class Meta:
        model = StageResult
        fields = (
            "stage rank entry time status bonus penalty gc_time points kom_points"
        ).split()
        # Units in the headers: seconds of time, points of a classification.
        labels = {
            "bonus": _("Bonus (s)"),
            "penalty": _("Penalty (s)"),
            "points": _("Points (pts)"),
            "kom_points": _("KOM (pts)"),
        }

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
                self.add_error("entry", NOT_ON_START_LIST)
        return data

    def _post_clean(self):
        if "time" in self.cleaned_data:
            time = self.cleaned_data["time"]
            self.instance.time_s, self.instance.hundredths = time or (None, None)
        if "gc_time" in self.cleaned_data:
            gc_time = self.cleaned_data["gc_time"]
            self.instance.gc_time_s = gc_time[0] if gc_time else None
        super()._post_clean()


class CheckpointCrossingForm(RowTokenForm):
    class Meta:
        model = CheckpointCrossing
        fields = ["checkpoint", "rank", "entry"]

    def clean(self):
        data = super().clean()
        entry, checkpoint = data.get("entry"), data.get("checkpoint")
        if entry is not None and checkpoint is not None:
            if entry.edition_id != checkpoint.stage.edition_id:
                self.add_error("entry", NOT_ON_START_LIST)
        return data


# Pastes


class PasteForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        strip=False,
        max_length=200_000,
    )
    # The preview's digest (services.recompute.EngineInput.digest).
    version = forms.CharField(required=False, widget=forms.HiddenInput)
