"""Extra admin pages of one object, one per kind (``<object_id>/paste-<kind>/``):
the pastes of a stage (results, crossings, checkpoints) and of an edition (stages,
teams, start list). Below both admins, which are siblings."""

from collections.abc import Callable, Iterable

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path

KindView = Callable[[HttpRequest, str, str], HttpResponse]


def paste_pages(
    model_admin: admin.ModelAdmin, kinds: Iterable[str], view: KindView
) -> list[URLPattern]:
    """``<object_id>/paste-<kind>/`` for each kind, named
    ``<app>_<model>_paste_<kind>``, behind the admin's sign-in: ``view(request,
    object_id, kind)``."""

    def wrap(kind: str):
        def page(request: HttpRequest, object_id: str) -> HttpResponse:
            return view(request, object_id, kind)

        return model_admin.admin_site.admin_view(page)

    info = model_admin.opts.app_label, model_admin.opts.model_name
    return [
        path(
            f"<path:object_id>/paste-{kind}/",
            wrap(kind),
            name="{}_{}_paste_{}".format(*info, kind),
        )
        for kind in kinds
    ]
