"""Upload a race package (a .zip of the RACE_PACKAGE.md layout, or its files):
preview, then confirm.

``upload/`` takes one ``.zip`` or the package's files chosen together; nothing is
saved by the preview. It shows what the package holds, every problem by file and
line (and no confirm when there is one), the riders already known, the new ones,
and the namesakes the editor must decide (the same rider as a stored one, or a new
rider; no default). The confirm carries the package itself, zipped in the form, so
nothing is uploaded twice; ``services.packages`` reads and checks it all again
before it writes the edition in one transaction.

The editor needs add permission on editions, teams, riders, entries, stages and
results, and delete permission on editions to replace one.
"""

import base64
import binascii
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from editions.admin.decisions import DECIDE_FIELD, NEW_RIDER, decisions_of
from editions.models import Edition
from racing.package_writer import package_zip
from racing.parsing.csvrows import PackageError
from racing.parsing.sources import files_from_uploads, files_from_zip
from stages.models import Stage, StageResult
from stages.services.identity import RiderMatch
from stages.services.packages import (
    PackagePreview,
    PackageRefused,
    package_preview,
    package_upload_save,
)

# What an upload writes: an edition, its teams, riders, entries, stages, results.
NEEDED = (
    *("editions.add_edition", "editions.add_team", "editions.add_rider"),
    *("editions.add_entry", "stages.add_stage", "stages.add_stageresult"),
)
REPLACE_NEEDS = "editions.delete_edition"

# A Grand Tour's package is some 70 files and 1 MB (a zip of it, 70 kB); a bigger
# upload is refused before it is read.
MAX_UPLOAD_BYTES = 5 * 2**20
# The confirm form carries the package; Django refuses a form whose fields
# outweigh DATA_UPLOAD_MAX_MEMORY_SIZE, so the package must leave room for the rest.
FORM_ROOM = 64 * 2**10
CARRY_FOLDER = "package"

# "results/stage-03.csv line 12: ...": the file a problem is about.
_PROBLEM_FILE = re.compile(r"^(?P<file>[^:]+?\.(?:csv|toml|md|zip))(?: line \d+)?:")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PackageFilesField(forms.FileField):
    """One ``.zip``, or the package's files chosen together: a list of uploaded
    files, refused when they weigh more than :data:`MAX_UPLOAD_BYTES`."""

    widget = MultipleFileInput

    def clean(self, data, initial=None) -> list[UploadedFile]:
        single = super().clean
        if not data:
            return [single(None, initial)]  # "This field is required."
        files = [single(f, initial) for f in data]
        size = sum(f.size for f in files)
        if size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                gettext(
                    "The upload weighs %(size)s MB; a race package is far smaller "
                    "(at most %(most)s MB). Upload the package's .zip, or only its "
                    "files."
                )
                % {
                    "size": number_format(size / 2**20, 1),
                    "most": MAX_UPLOAD_BYTES // 2**20,
                }
            )
        return files


class UploadForm(forms.Form):
    files = PackageFilesField(
        label=_("Race package"),
        help_text=_(
            "A .zip of the package's folder, or its files chosen together: "
            "edition.toml, teams.csv, riders.csv, stages.csv, checkpoints.csv, "
            "and for each stage stage-NN.csv (results), stage-NN.md (report), "
            "crossings-stage-NN.csv."
        ),
        widget=MultipleFileInput(attrs={"accept": ".zip,.toml,.csv,.md"}),
    )
    draft = forms.BooleanField(
        label=_("Import as a draft"),
        required=False,
        initial=True,
        help_text=_("Only staff see a draft until it is published."),
    )
    replace = forms.BooleanField(
        label=_("Replace the edition if it exists"),
        required=False,
        help_text=_("Deletes the stored edition of the same race and year first."),
    )


class ConfirmForm(forms.Form):
    """The previewed package (base64 of a zip) and the editor's choices; each
    namesake's decision is a ``decide-<bib>`` radio, read by
    :func:`decisions_of`."""

    package = forms.CharField(widget=forms.HiddenInput)
    draft = UploadForm.base_fields["draft"]
    replace = UploadForm.base_fields["replace"]


@dataclass(frozen=True)
class Decision:
    """A rider to decide, as the confirm form asks: the radio group's name and
    the value chosen (a rider's pk, ``new``, or ``""``)."""

    match: RiderMatch
    chosen: str

    @property
    def name(self) -> str:
        return f"{DECIDE_FIELD}{self.match.person.key}"


def carry(files: Mapping[str, bytes]) -> str:
    """The package's files as text the confirm form can carry: base64 of a zip
    (the same files give the same text)."""
    return base64.b64encode(package_zip(files, CARRY_FOLDER)).decode("ascii")


def uncarried(text: str) -> dict[str, bytes]:
    """The files :func:`carry` carried; ``PackageError`` if they came back
    broken."""
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        data = b""
    return files_from_zip(data, "the previewed package")


def carry_too_big(carried: str) -> str | None:
    """Why the confirm form could not carry the package, if it cannot."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None or len(carried) + FORM_ROOM <= limit:
        return None
    return gettext(
        "the package is %(size)s MB once zipped for the confirm, more than this "
        "site takes in a form (%(limit)s MB)"
    ) % {
        "size": number_format(len(carried) / 2**20, 1),
        "limit": number_format(limit / 2**20, 1),
    }


def problems_by_file(problems: Iterable[str]) -> list[tuple[str, list[str]]]:
    """Problems grouped by the file they name, in the order first named; those
    about no file (the edition, the riders to decide) under ``""``."""
    groups: dict[str, list[str]] = {}
    for problem in problems:
        found = _PROBLEM_FILE.match(problem)
        groups.setdefault(found["file"] if found else "", []).append(problem)
    return list(groups.items())


def upload_counts(edition: Edition) -> str:
    """What an upload saved, as the editor reads it (4 queries)."""
    stages = Stage.objects.filter(edition=edition).count()
    teams = edition.teams.count()
    riders = edition.entries.count()
    results = StageResult.objects.filter(stage__edition=edition).count()
    counts = [
        ngettext("%(count)s stage", "%(count)s stages", stages) % {"count": stages},
        ngettext("%(count)s team", "%(count)s teams", teams) % {"count": teams},
        ngettext("%(count)s rider", "%(count)s riders", riders) % {"count": riders},
        ngettext("%(count)s result row", "%(count)s result rows", results)
        % {"count": results},
    ]
    return ", ".join(counts)


class PackageUploadViews(admin.ModelAdmin):
    """The edition admin's ``upload/`` page (``admin:editions_edition_upload``):
    a package's preview, then its confirm, saved by
    ``services.packages.package_upload_save``."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="{}_{}_upload".format(*info),
            )
        ] + super().get_urls()

    def has_upload_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and request.user.has_perms(NEEDED)

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_upload_permission(request):
            raise PermissionDenied
        if request.method == "POST" and "confirm" in request.POST:
            return self.upload_confirm(request)
        if request.method != "POST":
            return self.upload_page(request, UploadForm())
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.upload_page(request, form)
        uploads = [(f.name, f.read()) for f in form.cleaned_data["files"]]
        try:
            files = files_from_uploads(uploads)
        except PackageError as exc:
            return self.upload_page(request, form, PackagePreview(None, exc.problems))
        preview = package_preview(files)
        carried = carry(files) if preview.package is not None else ""
        if too_big := carry_too_big(carried):
            preview.problems.append(too_big)
        confirm = ConfirmForm(
            initial={
                "package": carried,
                "draft": form.cleaned_data["draft"],
                "replace": form.cleaned_data["replace"],
            }
        )
        return self.upload_page(request, form, preview, confirm)

    def upload_confirm(self, request: HttpRequest) -> HttpResponse:
        """Save the previewed package as confirmed; the preview again with every
        problem when the service refuses it."""
        form = ConfirmForm(request.POST)
        again = UploadForm(
            initial={name: name in request.POST for name in ("draft", "replace")}
        )
        if not form.is_valid():
            self.message_user(
                request,
                gettext("The previewed package was lost: upload it again."),
                messages.ERROR,
            )
            return self.upload_page(request, again)
        data = form.cleaned_data
        try:
            files = uncarried(data["package"])
        except PackageError as exc:
            return self.upload_page(request, again, PackagePreview(None, exc.problems))
        if data["replace"] and not request.user.has_perm(REPLACE_NEEDS):
            refused = gettext("you may not replace an edition: untick “replace”")
            preview = package_preview(files)
            return self.upload_page(request, again, preview, form, [refused])
        decisions = decisions_of(request.POST)
        try:
            edition = package_upload_save(
                files=files,
                replace=data["replace"],
                draft=data["draft"],
                decisions=decisions,
                protect_results=not request.user.is_superuser,
            )
        except PackageRefused as refused:
            self.message_user(
                request,
                gettext("Nothing was saved: see the problems below."),
                messages.ERROR,
            )
            confirm = form if refused.preview.package is not None else None
            return self.upload_page(
                request, again, refused.preview, confirm, refused.problems
            )
        message = self.upload_message(edition, data["draft"], data["replace"])
        self.log_addition(request, edition, message)
        self.message_user(request, message, messages.SUCCESS)
        return redirect(reverse("admin:editions_edition_change", args=[edition.pk]))

    def upload_message(self, edition: Edition, draft: bool, replace: bool) -> str:
        if draft and replace:
            message = gettext(
                "%(edition)s imported as a draft, replacing the stored one: "
                "%(counts)s. Publish it when ready."
            )
        elif draft:
            message = gettext(
                "%(edition)s imported as a draft: %(counts)s. Publish it when ready."
            )
        elif replace:
            message = gettext(
                "%(edition)s imported and published, replacing the stored one: "
                "%(counts)s."
            )
        else:
            message = gettext("%(edition)s imported and published: %(counts)s.")
        return message % {"edition": edition, "counts": upload_counts(edition)}

    def upload_page(
        self,
        request: HttpRequest,
        form: UploadForm,
        preview: PackagePreview | None = None,
        confirm: ConfirmForm | None = None,
        problems: list[str] | None = None,
    ) -> TemplateResponse:
        """Step 1 (the upload form) until a package reads with no problem, then
        its preview with the confirm form (kept when a confirm is refused for
        what the editor can change there: a namesake, "replace")."""
        if problems is None:
            problems = preview.problems if preview is not None else []
        confirmable = (
            confirm is not None
            and preview is not None
            and preview.package is not None
            and not preview.problems
        )
        chosen = request.POST if confirm is not None and confirm.is_bound else {}
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Upload a race package"),
            "opts": self.opts,
            "form": form,
            "preview": preview,
            "problems": problems_by_file(problems),
            "problem_count": len(problems),
            "confirm": confirm if confirmable else None,
            "decisions": [
                Decision(m, chosen.get(f"{DECIDE_FIELD}{m.person.key}", ""))
                for m in (preview.to_decide if confirmable else [])
            ],
            "new_rider": NEW_RIDER,
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, "admin/editions/edition/upload.html", context)
