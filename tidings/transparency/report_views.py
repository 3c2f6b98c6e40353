"""The public transparency report: its page, its charts (SVG) and its downloads (CSV, JSON)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, timedelta

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_safe

from tidings.lib.errors import NotFound, TidingsError
from tidings.lib.security_headers import SVG_IMAGE_POLICY, content_security_policy
from tidings.transparency.charts import CHARTS, outcome_label
from tidings.transparency.periods import FIRST_YEAR, Period, adjacent, check_period
from tidings.transparency.stats import (
    FIGURE_KEYS,
    FIGURES,
    Report,
    build_report,
    shown,
    shown_figures,
    small_count_threshold,
)
from tidings.web.views.base import error_response

CSV_TABLES = ("overall", "countries", "authorities", "months", "outcomes", "decision-times")


def _report(request: HttpRequest) -> Report:
    now = timezone.now()
    return build_report(check_period(request.GET, now=now), now=now)


def _period_choices(period: Period) -> list[str]:
    """The half-years offered in the chooser: the last five years', and the period shown if named."""
    year = timezone.now().astimezone(UTC).year
    labels = [f"{y}-H{h}" for y in range(year, year - 5, -1) for h in (2, 1)]
    if period.named and period.label not in labels:
        labels.append(period.label)
    return labels


def _neighbours(period: Period) -> tuple[str | None, str | None]:
    """Query strings of the periods of the same kind before and after ``period`` (when named)."""
    before, after = adjacent(period, -1), adjacent(period, +1)
    now = timezone.now()
    return (
        urlencode(before.params) if before and before.start.year >= FIRST_YEAR else None,
        urlencode(after.params) if after and after.start <= now else None,
    )


def _rows(report: Report) -> dict[str, list[dict[str, object]]]:
    """Every table of the report as published (small counts hidden), row by row."""
    return {
        "overall": [shown_figures(report.overall)],
        "countries": [
            {"country": row.code, "country_name": row.name, **shown_figures(row.figures)}
            for row in report.countries
        ],
        "authorities": [
            {
                "authority_id": row.id,
                "authority": row.name,
                "country": row.country,
                "authority_kind": row.kind,
                **shown_figures(row.figures),
            }
            for row in report.authorities
        ],
        "months": [
            {"month": row.month, "country": row.country, "demands_received": shown(row.demands)}
            for row in report.months
        ],
        "outcomes": [
            {
                "demand_id": row.demand_id,
                "authority": row.authority,
                "country": row.country,
                "received_at": row.received_at.astimezone(UTC).isoformat(),
                "withheld": shown(row.withheld),
                "declined": shown(row.declined),
                "reinstated": shown(row.reinstated),
                "pending": shown(row.pending),
            }
            for row in report.outcomes
        ],
        "decision-times": [
            {"time_to_first_decision": label, "demands": shown(count)}
            for label, count in report.decision_times
        ],
    }


def _months_by_country(rows: list[dict[str, object]]) -> list[tuple[object, list[object]]]:
    """The months table turned for reading: one row per month, one column per country (A-Z)."""
    months: dict[object, list[object]] = {}
    for row in rows:  # already ordered by month, then country
        months.setdefault(row["month"], []).append(row["demands_received"])
    return list(months.items())


@require_safe
def report_page(request: HttpRequest) -> HttpResponse:
    try:
        report = _report(request)
    except TidingsError as error:
        return error_response(request, error)
    rows = _rows(report)
    query = urlencode(report.period.params)
    before, after = _neighbours(report.period)
    labels = {key: label for key, label, _ in FIGURES}
    return render(
        request,
        "transparency/report.html",
        {
            "report": report,
            "period": report.period,
            "last_day": report.period.end - timedelta(days=1),
            "query": query,
            "before": before,
            "after": after,
            "period_choices": _period_choices(report.period),
            "period_kind": report.period.kind,
            "small_count": small_count_threshold(),
            "overall": [(labels[key], rows["overall"][0][key]) for key in FIGURE_KEYS],
            "figure_labels": [labels[key] for key in FIGURE_KEYS],
            "countries": [
                (row, [shown_figures(row.figures)[key] for key in FIGURE_KEYS])
                for row in report.countries
            ],
            "authorities": [
                (row, [shown_figures(row.figures)[key] for key in FIGURE_KEYS])
                for row in report.authorities
            ],
            "month_countries": [row.code for row in sorted(report.countries, key=lambda r: r.code)],
            "months": _months_by_country(rows["months"]),
            "outcomes": [
                (row, outcome_label(row), data)
                for row, data in zip(report.outcomes, rows["outcomes"], strict=True)
            ],
            "decision_times": rows["decision-times"],
            "charts": {name: alt for name, (_, alt) in CHARTS.items()},
            "csv_tables": CSV_TABLES,
        },
    )


@require_safe
def report_chart(request: HttpRequest, name: str) -> HttpResponse:
    try:
        if name not in CHARTS:
            raise NotFound(f"There is no chart named {name[:40]!r}.")
        report = _report(request)
    except TidingsError as error:
        return error_response(request, error)
    return _chart_svg(request, CHARTS[name][0](report))


@content_security_policy(SVG_IMAGE_POLICY)
def _chart_svg(request: HttpRequest, svg: bytes) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=300"
    return response


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def report_json(request: HttpRequest) -> HttpResponse:
    try:
        report = _report(request)
    except TidingsError as error:
        return JsonResponse({"error": error.message}, status=error.status)
    period = report.period
    body = {
        "period": {
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "as_of": report.as_of.astimezone(UTC).isoformat(),
        "small_count_threshold": small_count_threshold(),
        **{name.replace("-", "_"): rows for name, rows in _rows(report).items()},
    }
    body["overall"] = body["overall"][0]
    response = JsonResponse(body, json_dumps_params={"indent": 1})
    return _attachment(response, f"tidings-transparency-{period.slug}.json")


def _cell(value: object) -> object:
    """A text cell a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


@require_safe
def report_csv(request: HttpRequest) -> HttpResponse:
    try:
        table = request.GET.get("table", "overall")
        if table not in CSV_TABLES:
            raise TidingsError(f"'table' must be one of: {', '.join(CSV_TABLES)}.")
        report = _report(request)
    except TidingsError as error:
        return error_response(request, error)
    rows = _rows(report)[table]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    head = ["period", *(rows[0].keys() if rows else _empty_header(table))]
    writer.writerow(head)
    for row in rows:
        writer.writerow([report.period.label, *(_cell(v) for v in row.values())])
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    return _attachment(response, f"tidings-transparency-{report.period.slug}-{table}.csv")


def _empty_header(table: str) -> list[str]:
    return {
        "countries": ["country", "country_name", *FIGURE_KEYS],
        "authorities": ["authority_id", "authority", "country", "authority_kind", *FIGURE_KEYS],
        "months": ["month", "country", "demands_received"],
        "outcomes": [
            "demand_id",
            "authority",
            "country",
            "received_at",
            "withheld",
            "declined",
            "reinstated",
            "pending",
        ],
    }[table]
