"""Pasting a stage's results, crossings or checkpoints: a page with a preview
(nothing saved), then a confirm that saves through the services (validated again
under the edition lock; a results preview's standings are reused when the race is
unchanged). Checkpoints are added and updated by name, and with "replace" the
stage's checkpoints the paste leaves out are removed, but those with crossings,
which stay and are named (``services.setup_paste_checkpoints``)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stages.admin_pages import paste_pages
from stages.forms import PasteForm
from stages.models import Checkpoint, CheckpointCrossing, Stage, StageResult
from stages.services import (
    crossing_paste,
    paste,
    results,
    setup_paste_checkpoints,
    wording,
)


@dataclass(frozen=True)
class Kind:
    """A kind of paste: the model it writes, the actions on it the paste needs
    (with the stage's change permission), its preview and its save, its page's
    name and title. ``replaces``: the editor may ask to remove the rows the paste
    leaves out (``remove``)."""

    model: type[models.Model]
    actions: tuple[str, ...]
    preview: Callable[..., Any]
    save: Callable[..., str]
    label: Promise
    title: Promise  # with the stage's %(number)s
    replaces: bool = False


PASTES = {
    "results": Kind(
        StageResult,
        ("add", "change", "delete"),
        paste.result_preview,
        results.result_paste_save,
        _("Paste results"),
        _("Paste results: stage %(number)s"),
    ),
    "crossings": Kind(
        CheckpointCrossing,
        ("add", "change", "delete"),
        crossing_paste.crossing_preview,
        results.crossing_paste_save,
        _("Paste crossings"),
        _("Paste crossings: stage %(number)s"),
    ),
    "checkpoints": Kind(
        Checkpoint,
        ("add", "change"),
        setup_paste_checkpoints.checkpoints_preview,
        setup_paste_checkpoints.checkpoints_paste_save,
        _("Paste checkpoints"),
        _("Paste checkpoints: stage %(number)s"),
        replaces=True,
    ),
}


class PasteViews(admin.ModelAdmin):
    """The stage admin's paste pages (``<stage>/paste-results/``,
    ``paste-crossings/`` and ``paste-checkpoints/``): stage change permission
    plus add, change and (for what it replaces) delete of what the paste
    writes."""

    def get_urls(self):
        return paste_pages(self, PASTES, self.paste_view) + super().get_urls()

    def paste_view(
        self, request: HttpRequest, object_id: str, kind: str
    ) -> HttpResponse:
        stage = self.get_object(request, unquote(object_id))
        if stage is None:
            raise Http404("No such stage.")
        paste_kind = PASTES[kind]
        options = {}
        if paste_kind.replaces:
            options["remove_missing"] = request.POST.get("remove") == "on"
        opts = paste_kind.model._meta
        actions = paste_kind.actions + (
            ("delete",) if options.get("remove_missing") else ()
        )
        needed = [f"{opts.app_label}.{action}_{opts.model_name}" for action in actions]
        if not (
            self.has_change_permission(request, stage)
            and request.user.has_perms(needed)
        ):
            raise PermissionDenied
        form = PasteForm(request.POST if request.method == "POST" else None)
        preview = None
        if form.is_valid():
            text = form.cleaned_data["text"]
            if "confirm" not in request.POST:
                preview = paste_kind.preview(stage, text, **options)
            else:
                saved, preview = self.paste_confirm(request, stage, kind, form, options)
                if saved:
                    return redirect(
                        reverse("admin:stages_stage_change", args=[stage.pk])
                    )
        return self.paste_page(request, stage, kind, form, preview, options)

    def paste_confirm(
        self,
        request: HttpRequest,
        stage: Stage,
        kind: str,
        form: PasteForm,
        options: dict[str, bool],
    ) -> tuple[bool, Any]:
        """Save a confirmed paste: (saved, the fresh preview when refused)."""
        text = form.cleaned_data["text"]
        try:
            message = PASTES[kind].save(
                stage=stage,
                text=text,
                expected_digest=form.cleaned_data["version"],
                **options,
            )
        except results.PasteRefused as refused:
            self.message_user(request, refused.message, messages.ERROR)
            return False, refused.preview
        rows = len(text.strip().splitlines())
        log = f"Pasted {kind} ({rows} lines). {wording.english(message)}"
        self.log_change(request, stage, log)
        self.message_user(request, message, messages.SUCCESS)
        return True, None

    def paste_page(
        self,
        request: HttpRequest,
        stage: Stage,
        kind: str,
        form: PasteForm,
        preview: Any,
        options: dict[str, bool],
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": PASTES[kind].title % {"number": stage.number},
            "paste_label": PASTES[kind].label,
            "subtitle": str(stage),
            "opts": self.opts,
            "original": stage,
            "stage": stage,
            "kind": kind,
            "form": form,
            "preview": preview,
            # The confirm carries the digest of the race the preview was made on.
            "version": preview.digest if preview else "",
            "checkpoints": list(stage.checkpoints.all()) if kind != "results" else [],
            "replaces": PASTES[kind].replaces,
            "remove_missing": options.get("remove_missing", False),
            "has_view_permission": self.has_view_permission(request, stage),
        }
        return TemplateResponse(request, "admin/stages/stage/paste.html", context)
