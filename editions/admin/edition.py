"""Editions in the admin: the edition page, and the pages that set a new edition up
(``upload``: a race package; ``build``: its tables pasted one by one). Every save
goes through ``stages.services``.

A new edition is a draft, seen by staff only, until it is published (the list's
actions, or the button on its page: never the plain form). Its rules start from
its race's preset (``racing.standings.presets``) when left empty. Its page lists
its stages and teams, with links to their pages."""

from datetime import date

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from editions.admin.build import BuildViews
from editions.admin.startlist import ResultsKept
from editions.admin.upload import PackageUploadViews
from editions.models import Edition, Team
from racing.standings import Rules
from racing.standings.presets import NAMES, PRESETS, describe, preset_for
from stages.forms import RowTokenForm, WritesThroughServices
from stages.models import Stage
from stages.services import checkpoints, startlist
from toursite.converters import form_int

FIRST_YEAR = 1903  # the first Tour de France
YEARS_AHEAD = 5


class EditionForm(RowTokenForm):
    """An edition's race, year, rules and youth cut-off. Empty rules on a new
    edition are its race's preset; a blank cut-off is the rule's default for the
    year (``Edition.clean``)."""

    class Meta:
        model = Edition
        fields = ["race", "year", "rules", "youth_born_on_or_after"]
        help_texts = {
            "rules": _(
                "Overrides of the default rules (RULES.md), as in the [rules] table "
                "of edition.toml. Leave {} on a new edition for its race's preset, "
                "listed below."
            ),
        }

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        last = date.today().year + YEARS_AHEAD
        if year < FIRST_YEAR:
            raise forms.ValidationError(
                _(
                    "The first Grand Tour was the Tour de France of %(first)s: "
                    "enter a year from %(first)s on."
                )
                % {"first": FIRST_YEAR},
                code="year_too_early",
            )
        if year > last:
            raise forms.ValidationError(
                _(
                    "Editions are set up at most %(ahead)s years ahead: enter a "
                    "year up to %(last)s."
                )
                % {"ahead": YEARS_AHEAD, "last": last},
                code="year_too_late",
            )
        return year

    def clean(self):
        data = super().clean()
        race, year = data.get("race"), data.get("year")
        if race is not None and year is not None:
            twin = Edition.objects.filter(race=race, year=year)
            if twin.exclude(pk=self.instance.pk).exists():
                self.add_error(
                    "year",
                    forms.ValidationError(
                        _(
                            "%(edition)s exists already: open it from the list of "
                            "editions to change it, or enter another year."
                        )
                        % {"edition": f"{race} {year}"},
                        code="edition_exists",
                    ),
                )
        if "rules" in data:
            self.clean_rules_with(race, year or date.today().year)
        return data

    def clean_rules_with(self, race, year: int) -> None:
        """The race's preset for empty rules on a new edition; rules the engine
        cannot read are refused with its reason, and so are rules without a scale
        one of the edition's climbs scores on."""
        rules = self.cleaned_data["rules"]
        if not rules:
            rules = {}
            if self.instance.pk is None and race is not None:
                rules = preset_for(race.slug)
        self.cleaned_data["rules"] = rules
        if not isinstance(rules, dict):
            self.add_error(
                "rules", _('Write the rules as a table: {"finish_bonus": [10, 6, 4]}.')
            )
            return
        try:
            Rules.from_overrides(rules, year)
        except (ValueError, TypeError) as exc:
            self.add_error("rules", str(exc))
            return
        for problem in checkpoints.missing_scales(self.instance, rules, year):
            self.add_error("rules", problem)


class PublicationFilter(admin.SimpleListFilter):
    title = _("on the site")
    parameter_name = "published"

    def lookups(self, request, model_admin):
        return [
            ("no", pgettext("edition", "Draft")),
            ("yes", pgettext("edition", "Published")),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "yes":
                return queryset.filter(published=True)
            case "no":
                return queryset.filter(published=False)
        return queryset


@admin.register(Edition)
class EditionAdmin(ResultsKept, PackageUploadViews, BuildViews, WritesThroughServices):
    form = EditionForm
    list_display = [
        "__str__",
        "year",
        "publication",
        "youth_born_on_or_after",
        "version",
    ]
    list_filter = [PublicationFilter, "race"]
    list_select_related = ["race"]
    search_fields = ["race__name", "=year"]
    readonly_fields = ["publication"]
    actions = [*ResultsKept.actions, "publish", "return_to_draft"]

    @admin.display(description=_("on the site"), ordering="published")
    def publication(self, edition: Edition) -> str:
        if edition.published:
            return pgettext("edition", "Published")
        return pgettext("edition", "Draft (staff only)")

    def get_fields(self, request, obj=None):
        fields = [*super().get_fields(request, obj)]
        return fields if obj is not None else [f for f in fields if f != "publication"]

    @admin.action(description=_("Publish selected editions"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset) -> None:
        self.tell_published(request, queryset, published=True)

    @admin.action(
        description=_("Return selected editions to draft"), permissions=["change"]
    )
    def return_to_draft(self, request: HttpRequest, queryset) -> None:
        self.tell_published(request, queryset, published=False)

    def tell_published(self, request: HttpRequest, editions, published: bool) -> None:
        changed = startlist.editions_publish(editions=editions, published=published)
        if changed:
            message = published_message(changed, published) % {"count": changed}
            self.message_user(request, message, messages.SUCCESS)
        elif published:
            message = gettext("Nothing changed: already published.")
            self.message_user(request, message, messages.WARNING)
        else:
            message = gettext("Nothing changed: already returned to draft.")
            self.message_user(request, message, messages.WARNING)

    def get_urls(self):
        publish = path(
            "<path:object_id>/publish/",
            self.admin_site.admin_view(self.publish_view),
            name="editions_edition_publish",
        )
        return [publish, *super().get_urls()]

    def publish_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The button on an edition's page (a POST): publish it (``published=1``)
        or return it to draft (``published=0``), then back to its page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        edition = self.get_object(request, object_id)
        if edition is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, edition):
            raise PermissionDenied
        published = request.POST.get("published", "1") != "0"
        self.tell_published(request, [edition], published=published)
        return HttpResponseRedirect(
            reverse("admin:editions_edition_change", args=[edition.pk])
        )

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "presets": _presets()}
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), **_edition_parts(object_id)}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_with_service(self, request, obj, changed, inlines):
        return startlist.edition_save(edition=obj, changed=changed or ())

    def delete_with_service(self, request, objs):
        protect = not request.user.is_superuser
        startlist.editions_delete(editions=objs, protect_results=protect)


def published_message(changed: int, published: bool) -> str:
    """``3 editions published.``, with the %(count)s still to fill in."""
    if published:
        return ngettext(
            "%(count)s edition published.", "%(count)s editions published.", changed
        )
    return ngettext(
        "%(count)s edition returned to draft. Visitors no longer see it; staff "
        "still do.",
        "%(count)s editions returned to draft. Visitors no longer see them; staff "
        "still do.",
        changed,
    )


def _presets() -> list[tuple[str, list[tuple[str, str]]]]:
    """Each known race's preset as the editor reads it, for the add page."""
    year = date.today().year
    return [
        (NAMES[slug], describe(overrides, year)) for slug, overrides in PRESETS.items()
    ]


def _edition_parts(object_id: str) -> dict:
    """An edition's stages (with their results counted) and teams (with their
    riders counted), and its rules as they apply: three queries, whatever its
    size."""
    if (pk := form_int(str(object_id))) is None:
        return {}
    edition = Edition.objects.select_related("race").filter(pk=pk).first()
    if edition is None:
        return {}
    stages = list(
        Stage.objects.filter(edition=edition)
        .annotate(result_count=Count("results"))
        .order_by("number")
    )
    for stage in stages:
        stage.edition = edition  # its page's address, without a query per stage
    teams = (
        Team.objects.filter(edition=edition)
        .annotate(rider_count=Count("entries"))
        .order_by("name")
    )
    try:
        rules = describe(edition.rules, edition.year)
    except (ValueError, TypeError, AttributeError) as exc:
        rules = [(gettext("These rules cannot be read"), str(exc))]
    return {
        "edition_stages": stages,
        "edition_teams": list(teams),
        "rules_lines": rules,
    }
