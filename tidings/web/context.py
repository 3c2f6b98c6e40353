"""Template context available on every page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

import tidings


def site(request: HttpRequest) -> dict[str, object]:
    return {"site_domain": settings.DOMAIN, "tidings_version": tidings.__version__}
