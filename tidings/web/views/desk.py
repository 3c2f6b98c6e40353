"""The legal desk for staff: take an order in, list demands, review one demand's items, decide, lift.

Every view: sign-in → role check (``tidings.legal.roles``, through the ``access_*``
reads of ``tidings.legal.queries``) → one ``do_*`` action → render or redirect.
Refusals from actions are shown on the page they came from with their status
(422 for bad input, 403 for a role the action requires), never as a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tidings.legal.actions.decisions import (
    confirm_refusal,
    decision_refusal,
    do_confirm_demand,
    do_decide_items,
    do_release_notices,
    item_actions,
    release_refusal,
    withhold_refusal,
)
from tidings.legal.actions.intake import do_import_demand
from tidings.legal.actions.publication import do_publish_demand, publish_refusal
from tidings.legal.actions.withholding import do_lift_withholdings
from tidings.legal.durations import parse_until
from tidings.legal.intake.decode import check_size
from tidings.legal.models import Demand, DemandItem, MatchStatus, ReviewState
from tidings.legal.queries import (
    COUNT_STATES,
    ITEM_SORTS,
    ItemFilters,
    access_demand,
    access_demand_withholdings,
    authority_names,
    demand_counts,
    demand_deadline,
    demand_items,
    demand_withholdings,
    import_summary,
    list_demands,
)
from tidings.legal.roles import check_desk_access, is_desk_admin
from tidings.legal.versions import attach_item_versions, attach_withheld_versions
from tidings.lib.countries import country_name
from tidings.lib.errors import InvalidInput, TidingsError
from tidings.social.models import AccountKind
from tidings.transparency.redaction import details_published, publication_due_at
from tidings.web.desk_forms import UPLOAD_MAX_BYTES, DecisionForm, IntakeForm, LiftForm
from tidings.web.views.base import (
    handles_errors,
    redirect_back,
    sign_in_required,
    signed_in,
)

DECIDED = {"withhold": "withheld", "decline": "declined", "escalate": "escalated"}


def _url(path: str, params: QueryDict | dict[str, str], **changes: object) -> str:
    """``path`` with ``params`` and ``changes`` (a None change drops the key)."""
    merged = {k: v for k, v in params.items() if v}
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = str(value)
    return f"{path}?{urlencode(merged)}" if merged else path


# -- the list ----------------------------------------------------------------------------


@require_GET
@sign_in_required
@handles_errors
def demand_list(request: HttpRequest) -> HttpResponse:
    """Demands, newest received first, with their deadline clocks and item counts."""
    page = list_demands(acting_user=signed_in(request), after=request.GET.get("after"))
    context = {
        "page": page,
        "next_url": _url(request.path, request.GET, after=page.next_cursor)
        if page.next_cursor
        else None,
        "first_url": request.path if request.GET.get("after") else None,
        "review_states": COUNT_STATES,
        "match_statuses": MatchStatus.choices,
    }
    return render(request, "web/desk/demand_list.html", context)


# -- intake ------------------------------------------------------------------------------


def _order_data(form: IntakeForm) -> tuple[bytes | str, str, str]:
    """(the order's bytes or pasted text, file name, content type); the upload is read in chunks."""
    upload = form.cleaned_data.get("upload")
    text = form.cleaned_data.get("text") or ""
    if upload and text.strip():
        raise InvalidInput("Upload a file or paste the lines, not both.")
    if upload:
        check_size(upload.size or 0, UPLOAD_MAX_BYTES)
        data = bytearray()
        for chunk in upload.chunks():
            data += chunk
            check_size(len(data), UPLOAD_MAX_BYTES)
        return bytes(data), upload.name or "", upload.content_type or ""
    if text.strip():
        return text, "", "text/plain"
    raise InvalidInput("Upload the order's file or paste its lines.")


@require_http_methods(["GET", "POST"])
@sign_in_required
@handles_errors
def demand_new(request: HttpRequest) -> HttpResponse:
    """Take an order in; on success go to its page with what intake made of every line."""
    user = check_desk_access(signed_in(request))
    form = IntakeForm(request.POST, request.FILES) if request.method == "POST" else IntakeForm()
    if request.method == "POST" and form.is_valid():
        try:
            data, filename, content_type = _order_data(form)
            result = do_import_demand(
                data,
                authority_name=form.cleaned_data["authority"],
                authority_kind=form.cleaned_data["authority_kind"],
                country=form.cleaned_data["country"],
                reference=form.cleaned_data["reference"],
                legal_basis=form.cleaned_data["legal_basis"],
                legal_basis_code=form.cleaned_data["legal_basis_code"],
                kind=form.cleaned_data["kind"],
                received_at=form.cleaned_data["received_at"],
                # Unticked is None: the rule pack decides (India: confidential).
                confidential=form.cleaned_data["confidential"] or None,
                filename=filename,
                content_type=content_type,
                column=form.column_value(),
                acting_user=user,
            )
        except InvalidInput as error:
            form.add_error(None, error.message)
        else:
            summary = import_summary(result.demand)
            messages.success(request, f"Order {result.demand.reference} taken in. {summary}.")
            return redirect("web:desk_demand", demand_id=result.demand.id)
    context = {"form": form, "authorities": authority_names()}
    return render(request, "web/desk/demand_new.html", context, status=422 if form.errors else 200)


# -- one demand ------------------------------------------------------------------------------


def _page_params(request: HttpRequest) -> QueryDict:
    """The demand page's query: its own on GET, that of the page a form came from on POST."""
    if request.method == "GET":
        return request.GET
    back = request.POST.get("next", "")
    return QueryDict(urlsplit(back).query if back.startswith("/") else "")


def _demand_page(
    request: HttpRequest,
    demand: Demand,
    *,
    decision_form: DecisionForm | None = None,
    lift_form: LiftForm | None = None,
    error: str = "",
    error_for: str = "",
    status: int = 200,
) -> HttpResponse:
    user = signed_in(request)
    now = timezone.now()
    params = _page_params(request)
    path = reverse("web:desk_demand", args=[demand.id])
    filters = ItemFilters.from_params(params)
    counts = demand_counts(demand)
    items = demand_items(demand, filters, now=now)
    try:
        wpage = int(params.get("wpage") or 1)
    except ValueError:
        wpage = 1
    withholdings = demand_withholdings(demand, page=wpage, now=now)
    attach_item_versions(row.item for row in items.rows)
    attach_withheld_versions(row.withholding for row in withholdings.rows)
    here = _url(path, params)
    selected: set[int] = set()
    if decision_form is not None and decision_form.is_bound:
        selected = {int(i) for i in decision_form.data.getlist("item") if str(i).isdigit()}
    # Forms are drawn only where their action would act: the same refusals the actions raise.
    is_admin = is_desk_admin(user)
    published = details_published(demand, now)
    can_withhold = withhold_refusal(demand, now) is None
    open_to_decisions = decision_refusal(demand.status) is None
    decidable = {
        row.item.id
        for row in items.rows
        if open_to_decisions and item_actions(row.item, user, can_withhold=can_withhold)
    }
    context = {
        "demand": demand,
        "is_admin": is_admin,
        "can_decide": bool(decidable) or (open_to_decisions and counts.pending > 0),
        "decidable": decidable,
        "can_withhold": can_withhold,
        "can_lift": withholdings.active > 0
        or any(row.state in ("active", "scheduled") for row in withholdings.rows),
        "can_confirm": is_admin and confirm_refusal(demand, now) is None,
        "can_release": is_admin and release_refusal(demand) is None,
        # After the confidentiality delay the details are public already: nothing to publish.
        "can_publish": is_admin and publish_refusal(demand) is None and not published,
        "details_published": published,
        "publication_due_at": publication_due_at(demand),
        "counts": counts,
        "summary": import_summary(demand, counts),
        "deadline": demand_deadline(demand, now),
        "country": country_name(demand.country),
        "items": items,
        "filters": filters,
        "selected": selected,
        "withholdings": withholdings,
        "decision_form": decision_form or DecisionForm(initial={"countries": demand.country}),
        "lift_form": lift_form or LiftForm(),
        "error": error,
        "error_for": error_for,
        "here": here,
        "match_statuses": MatchStatus.choices,
        "review_states": ReviewState.choices,
        "count_states": COUNT_STATES,
        "account_kinds": AccountKind.choices,
        "sorts": [(key, label) for key, (label, _) in ITEM_SORTS.items()],
        "previous_url": _url(path, params, page=items.page - 1) if items.has_previous else None,
        "next_url": _url(path, params, page=items.page + 1) if items.has_next else None,
        "wprevious_url": _url(path, params, wpage=withholdings.page - 1)
        if withholdings.page > 1
        else None,
        "wnext_url": _url(path, params, wpage=withholdings.page + 1)
        if withholdings.page < withholdings.pages
        else None,
    }
    return render(request, "web/desk/demand.html", context, status=status)


@require_GET
@sign_in_required
@handles_errors
def demand_detail(request: HttpRequest, demand_id: int) -> HttpResponse:
    """A demand's facts and clock, its items with evidence, and its withholdings."""
    demand = access_demand(demand_id, acting_user=signed_in(request))
    return _demand_page(request, demand)


def _first_error(form: DecisionForm | LiftForm) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return "The form is incomplete."


def _decided_message(
    items: Iterable[DemandItem], action: str, countries: list[str], until: datetime | None
) -> str:
    n = len(list(items))
    what = f"{n} item{'s' if n != 1 else ''} {DECIDED[action]}"
    if action != "withhold":
        return f"{what}."
    places = " and ".join(country_name(c) for c in countries)
    end = f" until {until:%d %B %Y, %H:%M} UTC" if until else ""
    return f"{what} in {places}{end}."


@require_POST
@sign_in_required
@handles_errors
def decide(request: HttpRequest, demand_id: int) -> HttpResponse:
    """Withhold, decline or escalate the ticked items (or every matched pending one)."""
    user = signed_in(request)
    demand = access_demand(demand_id, acting_user=user)
    form = DecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(_first_error(form))
        action = form.cleaned_data["action"]
        withhold = action == "withhold"
        until = parse_until(form.cleaned_data["until"], timezone.now()) if withhold else None
        countries = form.country_list() if withhold else None
        items = do_decide_items(
            demand,
            form.item_ids(),
            action=action,
            reason=form.cleaned_data["reason"],
            countries=countries,
            until=until,
            acting_user=user,
        )
    except TidingsError as error:
        return _demand_page(
            request,
            demand,
            decision_form=form,
            error=error.message,
            error_for="decision",
            status=error.status,
        )
    ends = None
    if withhold:
        ends = min(
            filter(None, [until, demand_deadline(demand, timezone.now()).lapse_at]), default=None
        )
    messages.success(request, _decided_message(items, action, countries or [demand.country], ends))
    return redirect_back(request, reverse("web:desk_demand", args=[demand.id]))


@require_POST
@sign_in_required
@handles_errors
def lift(request: HttpRequest, demand_id: int) -> HttpResponse:
    """Lift (reinstate) the ticked withholdings of this demand, or every one in force."""
    user = signed_in(request)
    demand = access_demand(demand_id, acting_user=user)
    form = LiftForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(_first_error(form))
        reason = form.reason()
        rows = access_demand_withholdings(demand, form.withholding_ids())
        lifted = do_lift_withholdings(rows, reason=reason, acting_user=user)
    except TidingsError as error:
        return _demand_page(
            request,
            demand,
            lift_form=form,
            error=error.message,
            error_for="lift",
            status=error.status,
        )
    n = len(lifted)
    messages.success(request, f"{n} withholding{'s' if n != 1 else ''} lifted: {reason}.")
    return redirect_back(request, reverse("web:desk_demand", args=[demand.id]))


@require_POST
@sign_in_required
@handles_errors
def confirm(request: HttpRequest, demand_id: int) -> HttpResponse:
    """A legal admin confirms an emergency order so its withholdings no longer lapse."""
    user = signed_in(request)
    demand = access_demand(demand_id, acting_user=user)
    try:
        do_confirm_demand(demand, acting_user=user)
    except TidingsError as error:
        return _demand_page(
            request, demand, error=error.message, error_for="admin", status=error.status
        )
    messages.success(request, "Emergency order confirmed; its withholdings no longer lapse.")
    return redirect_back(request, reverse("web:desk_demand", args=[demand.id]))


@require_POST
@sign_in_required
@handles_errors
def release(request: HttpRequest, demand_id: int) -> HttpResponse:
    """A legal admin releases the held-back notices of a confidential order."""
    user = signed_in(request)
    demand = access_demand(demand_id, acting_user=user)
    try:
        sent = do_release_notices(demand, acting_user=user)
    except TidingsError as error:
        return _demand_page(
            request, demand, error=error.message, error_for="admin", status=error.status
        )
    messages.success(request, f"Notices released: {sent} will be sent to the people affected.")
    return redirect_back(request, reverse("web:desk_demand", args=[demand.id]))


@require_POST
@sign_in_required
@handles_errors
def publish(request: HttpRequest, demand_id: int) -> HttpResponse:
    """A legal admin publishes a confidential order's details on its public notice."""
    user = signed_in(request)
    demand = access_demand(demand_id, acting_user=user)
    try:
        do_publish_demand(demand, acting_user=user)
    except TidingsError as error:
        return _demand_page(
            request, demand, error=error.message, error_for="admin", status=error.status
        )
    messages.success(
        request, "Published: the public notice now shows this order's reference, basis and targets."
    )
    return redirect_back(request, reverse("web:desk_demand", args=[demand.id]))
