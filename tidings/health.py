"""``GET /healthz``: a near-empty plain-text answer for load balancers and as the benchmark baseline.

It runs the whole middleware stack but reads nothing itself, so it measures the
cost of a request through Django and no more.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from tidings.web.suspended import never_as_account


@never_as_account
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
