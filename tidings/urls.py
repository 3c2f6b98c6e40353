"""URL map: the web UI at the root; the API under /api, /oauth and /.well-known."""

from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from tidings.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(
        "favicon.ico", RedirectView.as_view(url=static("tidings/icons/favicon.ico"), permanent=True)
    ),
    path("", include("tidings.api.urls")),
    path("", include("tidings.transparency.urls")),
    path("", include("tidings.web.urls")),
]

handler400 = "tidings.web.views.errors.bad_request"
handler403 = "tidings.web.views.errors.permission_denied"
handler404 = "tidings.web.views.errors.page_not_found"
handler500 = "tidings.web.views.errors.server_error"
