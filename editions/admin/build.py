"""Build an edition by pasting its tables (stages, teams, start list): each with a
preview, then a confirm.

The pages ``<edition>/paste-stages/``, ``paste-teams/`` and ``paste-riders/``
(``admin:editions_edition_paste_stages`` and so on) take comma- or tab-separated
rows, header optional; the preview shows every row as new, changed, unchanged or
kept, and every problem by line and field, with nothing saved. The confirm carries
the preview's digest and, for the start list, the editor's choice for each
namesake; the save (``stages.services.setup_paste``) reads everything again under
the edition lock and refuses, with the fresh preview, when the edition changed in
between. A user needs the edition's change permission and add and change on what
the paste writes.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import npgettext_lazy

from editions.admin.decisions import decisions_of
from editions.models import Edition
from stages.admin_pages import paste_pages
from stages.forms import PasteForm
from stages.services import setup_paste, setup_paste_startlist, wording
from stages.services.setup_paste import SetupPreview, SetupRefused


@dataclass(frozen=True)
class Build:
    """One table of an edition: what it is called (``noun`` in the admin's log,
    ``name`` and the paste page's ``label`` and ``title`` on pages, with how many
    rows are ``stored``), the permissions its paste needs besides the edition's
    change, and its preview and save."""

    noun: str
    name: Promise
    label: Promise
    title: Promise  # with the %(edition)s
    stored: Promise  # with the %(count)s of rows
    needs: tuple[str, ...]
    preview: Callable[..., SetupPreview]
    save: Callable[..., str]
    decides: bool = False  # the start list: the editor says who namesakes are


BUILDS = {
    "stages": Build(
        "stages",
        _("Stages"),
        _("Paste the stages"),
        _("Paste the stages: %(edition)s"),
        npgettext_lazy("stages", "%(count)s stored", "%(count)s stored", "count"),
        ("stages.add_stage", "stages.change_stage"),
        setup_paste.stages_preview,
        setup_paste.stages_paste_save,
    ),
    "teams": Build(
        "teams",
        _("Teams"),
        _("Paste the teams"),
        _("Paste the teams: %(edition)s"),
        npgettext_lazy("teams", "%(count)s stored", "%(count)s stored", "count"),
        ("editions.add_team", "editions.change_team"),
        setup_paste_startlist.teams_preview,
        setup_paste_startlist.teams_paste_save,
    ),
    "riders": Build(
        "start list",
        _("Start list"),
        _("Paste the start list"),
        _("Paste the start list: %(edition)s"),
        npgettext_lazy("riders", "%(count)s stored", "%(count)s stored", "count"),
        (
            *("editions.add_rider", "editions.change_rider"),
            *("editions.add_entry", "editions.change_entry"),
        ),
        setup_paste_startlist.riders_preview,
        setup_paste_startlist.riders_paste_save,
        decides=True,
    ),
}


class BuildViews(admin.ModelAdmin):
    """The edition admin's paste pages of its stages, teams and start list."""

    def get_urls(self):
        return paste_pages(self, BUILDS, self.build_view) + super().get_urls()

    def build_view(
        self, request: HttpRequest, object_id: str, kind: str
    ) -> HttpResponse:
        edition = self.get_object(request, unquote(object_id))
        if edition is None:
            raise Http404("No such edition.")
        build = BUILDS[kind]
        if not (
            self.has_change_permission(request, edition)
            and request.user.has_perms(build.needs)
        ):
            raise PermissionDenied
        form = PasteForm(request.POST if request.method == "POST" else None)
        options: dict[str, Mapping] = {}
        if build.decides:
            options["decisions"] = decisions_of(request.POST)
        preview = None
        if form.is_valid():
            text = form.cleaned_data["text"]
            if "confirm" not in request.POST:
                preview = build.preview(edition, text, **options)
            else:
                try:
                    message = build.save(
                        edition=edition,
                        text=text,
                        expected_digest=form.cleaned_data["version"],
                        **options,
                    )
                except SetupRefused as refused:
                    self.message_user(request, refused.message, messages.ERROR)
                    preview = refused.preview
                else:
                    rows = len(text.strip().splitlines())
                    said = wording.english(message)
                    change = f"Pasted {build.noun} ({rows} lines). {said}"
                    self.log_change(request, edition, change)
                    self.message_user(request, message, messages.SUCCESS)
                    return redirect(
                        reverse("admin:editions_edition_change", args=[edition.pk])
                    )
        return self.build_page(request, edition, kind, form, preview)

    def build_page(
        self,
        request: HttpRequest,
        edition: Edition,
        kind: str,
        form: PasteForm,
        preview: SetupPreview | None,
    ) -> TemplateResponse:
        counts = {
            "stages": edition.stages.count(),
            "teams": edition.teams.count(),
            "riders": edition.entries.count(),
        }
        steps = [
            {
                "kind": other,
                "name": BUILDS[other].name,
                "label": BUILDS[other].label,
                "stored": BUILDS[other].stored % {"count": counts[other]},
                "url": reverse(
                    f"admin:editions_edition_paste_{other}", args=[edition.pk]
                ),
                "current": other == kind,
            }
            for other in BUILDS
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": BUILDS[kind].title % {"edition": edition},
            "subtitle": str(edition),
            "opts": self.opts,
            "original": edition,
            "edition": edition,
            "kind": kind,
            "paste_label": BUILDS[kind].label,
            "steps": steps,
            "form": form,
            "preview": preview,
            # The confirm carries the digest of the rows the preview was made on.
            "version": preview.digest if preview else "",
            "has_view_permission": self.has_view_permission(request, edition),
        }
        return TemplateResponse(request, "admin/editions/edition/build.html", context)
