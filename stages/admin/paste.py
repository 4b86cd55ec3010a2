"""Pasting a stage's results or crossings: a page with a preview (nothing saved),
then a confirm that saves through ``services.results`` (validated again under the
edition lock; the preview's standings are reused when the race is unchanged)."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from stages.forms import PasteForm
from stages.models import CheckpointCrossing, Stage, StageResult
from stages.services import crossing_paste, paste, results

# Kind of paste: (the model it replaces, its preview, its save).
PASTES = {
    "results": (StageResult, paste.result_preview, results.result_paste_save),
    "crossings": (
        CheckpointCrossing,
        crossing_paste.crossing_preview,
        results.crossing_paste_save,
    ),
}


class PasteViews(admin.ModelAdmin):
    """The stage admin's paste pages (``<stage>/paste-results/`` and
    ``<stage>/paste-crossings/``): stage change permission plus add, change and
    delete of what the paste replaces."""

    def get_urls(self):
        def wrap(kind: str):
            def view(request: HttpRequest, object_id: str) -> HttpResponse:
                return self.paste_view(request, object_id, kind)

            return self.admin_site.admin_view(view)

        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                f"<path:object_id>/paste-{kind}/",
                wrap(kind),
                name="{}_{}_paste_{}".format(*info, kind),
            )
            for kind in PASTES
        ] + super().get_urls()

    def paste_view(
        self, request: HttpRequest, object_id: str, kind: str
    ) -> HttpResponse:
        stage = self.get_object(request, unquote(object_id))
        if stage is None:
            raise Http404("No such stage.")
        model, make_preview, _ = PASTES[kind]
        opts = model._meta
        needed = [
            f"{opts.app_label}.{action}_{opts.model_name}"
            for action in ("add", "change", "delete")
        ]
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
                preview = make_preview(stage, text)
            else:
                saved, preview = self.paste_confirm(request, stage, kind, form)
                if saved:
                    return redirect(
                        reverse("admin:stages_stage_change", args=[stage.pk])
                    )
        return self.paste_page(request, stage, kind, form, preview)

    def paste_confirm(
        self, request: HttpRequest, stage: Stage, kind: str, form: PasteForm
    ) -> tuple[bool, paste.Preview | None]:
        """Save a confirmed paste: (saved, the fresh preview when refused)."""
        text = form.cleaned_data["text"]
        save = PASTES[kind][2]
        try:
            message = save(
                stage=stage, text=text, expected_digest=form.cleaned_data["version"]
            )
        except results.PasteRefused as refused:
            self.message_user(request, refused.message, messages.ERROR)
            return False, refused.preview
        rows = len(text.strip().splitlines())
        self.log_change(request, stage, f"Pasted {kind} ({rows} lines). {message}")
        self.message_user(request, message, messages.SUCCESS)
        return True, None

    def paste_page(
        self,
        request: HttpRequest,
        stage: Stage,
        kind: str,
        form: PasteForm,
        preview: paste.Preview | None,
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": f"Paste {kind}: stage {stage.number}",
            "subtitle": str(stage),
            "opts": self.opts,
            "original": stage,
            "stage": stage,
            "kind": kind,
            "form": form,
            "preview": preview,
            # The confirm carries the digest of the race the preview was made on.
            "version": preview.digest if preview else "",
            "checkpoints": list(stage.checkpoints.all()) if kind == "crossings" else [],
            "has_view_permission": self.has_view_permission(request, stage),
        }
        return TemplateResponse(request, "admin/stages/stage/paste.html", context)
