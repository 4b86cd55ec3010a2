from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from toursite import language_views, sitemaps, views
from toursite.http import public_page, static

admin.site.site_header = "toursite editors"
admin.site.site_title = "toursite admin"
admin.site.index_title = "Races, stages and reports"

handler404 = "toursite.views.page_not_found"
handler500 = "toursite.views.server_error"

urlpatterns = [
    # Editors' bookmarks from before races, editions, teams and riders moved to the
    # editions app keep working.
    re_path(
        r"^admin/(?:stages/(?=race/|edition/)|teams/(?=team/)|riders/(?=rider/|entry/))"
        r"(?P<rest>.*)$",
        RedirectView.as_view(url="/admin/editions/%(rest)s", permanent=True),
    ),
    # Before the admin's own: sign-in POSTs are counted per address first.
    path("admin/login/", views.login, name="login"),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("language/", language_views.choose_language, name="language"),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    # The open JSON API (before the pages: its addresses end in .json). Data
    # contracts: one address, the same in every language.
    path("", include("stages.api_urls")),
]
# The pages: English at these addresses, each other language under its prefix
# (/fr/, /it/, /es/; toursite.languages).
urlpatterns += i18n_patterns(
    path("about/", views.about, name="about"),
    path("feed/reports.atom", views.feed, name="feed"),
    path(
        "feed/reports-spoiler-free.atom",
        views.spoiler_free_feed,
        name="feed-spoiler-free",
    ),
    # The scripts' words in the page's language (static/js/*.js), stored like a
    # page that shows no data.
    path(
        "jsi18n/",
        public_page(static, vary=())(JavaScriptCatalog.as_view(packages=["toursite"])),
        name="javascript-catalog",
    ),
    path("", include("stages.urls")),
    path("", include("riders.urls")),
    path("", include("teams.urls")),
    prefix_default_language=False,
)
