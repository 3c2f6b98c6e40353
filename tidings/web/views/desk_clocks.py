"""The legal desk's "due soon / overdue" dashboard: every open clock that needs the team now.

Desk staff only (``access_due_clocks``); everyone else gets the 403 page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tidings.legal.clock_queries import DUE_SOON, access_due_clocks
from tidings.web.views.base import handles_errors, sign_in_required, signed_in


@require_GET
@sign_in_required
@handles_errors
def clock_dashboard(request: HttpRequest) -> HttpResponse:
    """Overdue clocks and clocks due within 24 hours, of demands and appeals, soonest first."""
    now = timezone.now()
    rows = access_due_clocks(acting_user=signed_in(request), now=now)
    context = {
        "rows": rows,
        "overdue": sum(1 for r in rows if r.overdue),
        "window_hours": int(DUE_SOON.total_seconds() // 3600),
        "now": now,
    }
    return render(request, "web/desk/clocks.html", context)
