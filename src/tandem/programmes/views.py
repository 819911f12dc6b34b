"""Pages for programmes, their rules, cohorts and academic calendars (thin: parse, call, render)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tandem.core import policies
from tandem.core.forms import apply_errors, bound_data
from tandem.organisations import selectors as org_selectors
from tandem.organisations.views.common import form_page
from tandem.programmes import forms, rules, selectors, services
from tandem.programmes.models import CohortStatus, Programme


class Link:
    """Somewhere to go back to that is not a record (for ``form_page``)."""

    def __init__(self, label: str, url: str) -> None:
        self.label, self.url = label, url

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return self.url


# --- showing a programme's rules -------------------------------------------------------------


def describe(programme: Any) -> list[tuple[str, list[str]]]:
    """The rules of a programme (or template) as (heading, lines) in plain English."""
    weights = ", ".join(
        f"{type(programme)._meta.get_field(name).verbose_name.lower()} {getattr(programme, name):g}"
        for name in type(programme).WEIGHT_FIELDS
    )
    return [
        ("Purpose", [programme.get_purpose_display()]),
        ("Kind of relationship", [programme.get_relationship_type_display()]),
        (
            "Minimum contacts",
            rules.describe_contact_rules(programme.contact_rules) or ["No minimum set"],
        ),
        (
            "Required documents",
            rules.describe_documents(programme.required_documents) or ["None"],
        ),
        (
            "Mentor hours per mentee",
            [
                f"At least {programme.mentor_hours_per_mentee} hours a year"
                if programme.mentor_hours_per_mentee
                else "No minimum set"
            ],
        ),
        (
            "Remission and payment",
            [
                f"{programme.remission_hours_per_mentee} teaching hours released per mentee "
                "each year"
                if programme.remission_hours_per_mentee
                else "No remission set",
                f"£{programme.payment_per_placement_pence / 100:,.2f} to the mentor per placement"
                if programme.payment_per_placement_pence
                else "No payment set",
            ],
        ),
        (
            "Supervision for mentors",
            [
                f"{programme.supervision_hours_per_mentor} hours a year"
                if programme.supervision_hours_per_mentor
                else "None set"
            ],
        ),
        (
            "Scheduled reports",
            rules.describe_report_schedule(programme.report_schedule) or ["None"],
        ),
        (
            "Reports to line managers",
            [
                "Activity and time, fortnightly in the first month and then monthly; "
                "never what was said"
                if programme.line_manager_reports
                else "None"
            ],
        ),
        ("Mentor observations", [programme.get_observation_policy_display()]),
        (
            "Mentor training",
            [
                "Mentors must have completed mentor training"
                if programme.requires_trained_mentor
                else "Not required"
            ],
        ),
        (
            "Matching",
            [
                f"Weights: {weights}",
                f"Mentors have {programme.offer_response_days} days to accept or decline",
            ],
        ),
    ]


def _error_items(form: Any, row_label: str = "") -> list[tuple[str, str]]:
    """(link, text) for each error of a form, for the page's error summary."""
    items = []
    for message in form.non_field_errors():
        items.append(("#" + (form.prefix or "main") + "-row" if row_label else "", message))
    for name, errors in form.errors.items():
        if name == "__all__" or name not in form.fields:
            continue
        field = form[name]
        anchor = field.auto_id
        if field.widget_type in ("checkboxselectmultiple", "radioselect"):
            anchor += "_0" if row_label else "_1"
        for message in errors:
            if row_label and not message.startswith(row_label):
                message = f"{row_label}, {field.label.lower()}: {message}"
            elif not row_label and not message.startswith(str(field.label)):
                message = f"{field.label}: {message}"
            items.append((f"#{anchor}", message))
    return items


def _mark_errors(form: Any) -> None:
    """Add the design system's error style to the inputs of a hand-laid row."""
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            css = widget.attrs.get("class", "")
            if "govuk-select" in css:
                widget.attrs["class"] = css + " govuk-select--error"
            elif "govuk-input" in css:
                widget.attrs["class"] = css + " govuk-input--error"


# --- the entry point -------------------------------------------------------------------------


@login_required
def programmes(request: HttpRequest) -> HttpResponse:
    """The programmes of the organisation the user is working in."""
    actor = request.actor
    active = actor.active_organisation
    if active is not None:
        return redirect("programmes:organisation_programmes", uuid=active.organisation_uuid)
    partnership = (
        org_selectors.partnerships(actor).filter(id__in=actor.administered_partnership_ids).first()
    )
    if partnership is not None:
        return redirect("programmes:partnership_programmes", uuid=partnership.uuid)
    raise PermissionDenied("Programmes belong to organisations, and you are not in one yet")


# --- programmes of an organisation or a partnership ------------------------------------------


@login_required
def organisation_programmes(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    organisation = org_selectors.access_organisation(actor, uuid)
    if not selectors.can_see_programmes_of(actor, organisation):
        raise PermissionDenied(f"The programmes of {organisation} are for the people in it")
    return render(
        request,
        "programmes/programme_list.html",
        {
            "owner": organisation,
            "programmes": selectors.programmes_of(actor, organisation),
            "can_create": services.can_create_programme(actor, organisation=organisation),
            "new_url_name": "programmes:programme_new",
            "calendars": selectors.calendars_of(actor, organisation)[:3],
            "can_manage_calendars": services.can_manage_calendars_of(actor, organisation),
            "is_organisation": True,
        },
    )


@login_required
def partnership_programmes(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    partnership = org_selectors.access_partnership(actor, uuid)
    return render(
        request,
        "programmes/programme_list.html",
        {
            "owner": partnership,
            "programmes": selectors.programmes_of_partnership(actor, partnership),
            "can_create": services.can_create_programme(actor, partnership=partnership),
            "new_url_name": "programmes:partnership_programme_new",
            "is_organisation": False,
        },
    )


def _new_programme(request: HttpRequest, **owner: Any) -> HttpResponse:
    actor = request.actor
    target = owner.get("organisation") or owner.get("partnership")
    if not services.can_create_programme(actor, **owner):
        raise PermissionDenied(f"Only the people who run {target} set up its programmes")
    templates = selectors.templates()
    form = forms.NewProgrammeForm(bound_data(request), templates=templates)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.create_programme(
                actor, form.cleaned_data["template"], name=form.cleaned_data["name"], **owner
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"{programme} is set up with the template's rules. Check them below."
            )
            return redirect(programme)
    return render(
        request,
        "programmes/programme_new.html",
        {
            "form": form,
            "owner": target,
            "templates": [(t, describe(t)) for t in templates],
            "back_url_name": "programmes:organisation_programmes"
            if "organisation" in owner
            else "programmes:partnership_programmes",
        },
    )


@login_required
def programme_new(request: HttpRequest, uuid: str) -> HttpResponse:
    organisation = org_selectors.access_organisation(request.actor, uuid)
    return _new_programme(request, organisation=organisation)


@login_required
def partnership_programme_new(request: HttpRequest, uuid: str) -> HttpResponse:
    partnership = org_selectors.access_partnership(request.actor, uuid)
    return _new_programme(request, partnership=partnership)


# --- one programme ---------------------------------------------------------------------------


def _cohort_organisations(actor: Any, programme: Programme) -> list[Any]:
    """Organisations where the actor may start a cohort of this programme."""
    if programme.organisation_id is not None:
        owner = programme.organisation
        return [owner] if services.can_start_cohort(actor, programme, owner) else []
    members = org_selectors.members_of(actor, programme.partnership)
    return [
        m.organisation
        for m in members
        if services.can_start_cohort(actor, programme, m.organisation)
    ]


@login_required
def programme_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    programme = selectors.access_programme(actor, uuid)
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "owner": programme.organisation or programme.partnership,
            "rules": describe(programme),
            "cohorts": selectors.cohorts_of(actor, programme),
            "can_change": policies.can_change(actor, programme),
            "can_start_cohort": programme.is_active
            and bool(_cohort_organisations(actor, programme)),
        },
    )


def _contact_rows(request: HttpRequest, programme: Programme) -> Any:
    initial = [forms.ContactRuleForm.initial_from(r) for r in programme.contact_rules]
    return forms.ContactRuleFormSet(bound_data(request), initial=initial, prefix="contacts")


def _report_rows(request: HttpRequest, programme: Programme) -> Any:
    initial = [forms.ReportForm.initial_from(r) for r in programme.report_schedule]
    return forms.ReportFormSet(bound_data(request), initial=initial, prefix="reports")


def _kept(formset: Any) -> list[Any]:
    """The rows to save: filled in and not marked for removal."""
    return [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


REPORT_FIELDS = {"name": "name", "due": "due_day", "recipients": "recipients"}
FORM_FIELDS = {"payment_per_placement_pence": "payment_per_placement"}


def _apply_rule_errors(
    exc: ValidationError, form: Any, contact_forms: list[Any], report_forms: list[Any]
) -> None:
    """Put the service's errors on the row and field they name."""
    if not hasattr(exc, "error_dict"):
        apply_errors(form, exc)
        return
    rest: dict[str, list[str]] = {}
    for path, errors in exc.message_dict.items():
        head, _, tail = path.partition(".")
        index, _, field = tail.partition(".")
        rows = {"contact_rules": contact_forms, "report_schedule": report_forms}.get(head)
        if rows is None or not index.isdigit() or int(index) >= len(rows):
            rest[FORM_FIELDS.get(path, path)] = errors
            continue
        target = rows[int(index)]
        name = REPORT_FIELDS.get(field, field) if head == "report_schedule" else field
        for message in errors:
            target.add_error(name if name in target.fields else None, message)
    if rest:
        apply_errors(form, ValidationError(rest))


@login_required
def programme_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    programme = selectors.access_programme(actor, uuid, for_write=True)
    form = forms.ProgrammeForm(
        bound_data(request), initial=forms.ProgrammeForm.initial_for(programme)
    )
    contacts = _contact_rows(request, programme)
    reports = _report_rows(request, programme)
    if request.method == "POST":
        valid = all([form.is_valid(), contacts.is_valid(), reports.is_valid()])
        if valid:
            version = form.cleaned_data["version"]
            data = form.service_data()
            contact_forms, report_forms = _kept(contacts), _kept(reports)
            data["contact_rules"] = [f.as_rule() for f in contact_forms]
            data["report_schedule"] = [f.as_report() for f in report_forms]
            try:
                services.edit_programme(actor, programme, expected_version=version, **data)
            except ValidationError as exc:
                _apply_rule_errors(exc, form, contact_forms, report_forms)
            else:
                messages.success(request, "Programme rules saved.")
                return redirect(programme)
    errors = _error_items(form)
    for label, formset in (("Contact table", contacts), ("Report schedule", reports)):
        for message in formset.non_form_errors():
            errors.append(("", f"{label}: {message}"))
        for index, row in enumerate(formset.forms):
            if row.errors:
                _mark_errors(row)
                errors += _error_items(row, f"{label} row {index + 1}")
    return render(
        request,
        "programmes/programme_edit.html",
        {
            "programme": programme,
            "form": form,
            "contacts": contacts,
            "reports": reports,
            "errors": errors,
            "about_fields": form.fields_named(
                ["name", "description", "purpose", "relationship_type"]
            ),
            "rule_fields": form.fields_named(
                [
                    "required_documents",
                    "observation_policy",
                    "line_manager_reports",
                    "requires_trained_mentor",
                ]
            ),
            "time_fields": form.fields_named(
                [
                    "mentor_hours_per_mentee",
                    "remission_hours_per_mentee",
                    "payment_per_placement",
                    "supervision_hours_per_mentor",
                ]
            ),
            "weight_fields": form.fields_named(form.WEIGHT_FIELDS),
        },
    )


@login_required
@require_POST
def programme_close(request: HttpRequest, uuid: str) -> HttpResponse:
    programme = selectors.access_programme(request.actor, uuid, for_write=True)
    try:
        services.deactivate_programme(request.actor, programme)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{programme} is closed to new cohorts.")
    return redirect(programme)


@login_required
@require_POST
def programme_reopen(request: HttpRequest, uuid: str) -> HttpResponse:
    programme = selectors.access_programme(request.actor, uuid, for_write=True)
    try:
        services.reactivate_programme(request.actor, programme)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{programme} is open for new cohorts again.")
    return redirect(programme)


# --- cohorts ---------------------------------------------------------------------------------


def _cohort_initial(calendar: Any) -> dict[str, Any]:
    if calendar is None:
        return {"status": CohortStatus.PLANNED}
    first_term = calendar.periods.filter(kind="term").order_by("position").first()
    last_term = calendar.periods.filter(kind="term").order_by("-position").first()
    return {
        "calendar": calendar,
        "name": f"{calendar.name} cohort",
        "starts_on": first_term.starts_on if first_term else calendar.starts_on,
        "ends_on": last_term.ends_on if last_term else calendar.ends_on,
        "status": CohortStatus.PLANNED,
    }


@login_required
def cohort_new(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    programme = selectors.access_programme(actor, uuid)
    organisations = _cohort_organisations(actor, programme)
    if not organisations:
        raise PermissionDenied(
            "Only the coordinators of an organisation that runs it start cohorts"
        )
    calendars = selectors.calendars_in(actor, organisations)
    today = timezone.localdate()
    current = next((c for c in calendars if c.starts_on <= today <= c.ends_on), None)
    form = forms.CohortForm(
        bound_data(request),
        initial=_cohort_initial(current or calendars.first()),
        calendars=calendars,
        several_organisations=len(organisations) > 1,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            cohort = services.create_cohort(
                actor, programme, organisation=data["calendar"].organisation, **data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Cohort {cohort.name} added to {programme}.")
            return redirect(cohort)
    return render(
        request,
        "programmes/cohort_form.html",
        {
            "form": form,
            "programme": programme,
            "title": f"Start a cohort of {programme}",
            "submit": "Add cohort",
            "back": programme,
            "no_calendars": not calendars.exists(),
            "organisations": organisations,
            "closed": not programme.is_active,
        },
    )


@login_required
def cohort_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    cohort = selectors.access_cohort(actor, uuid)
    return render(
        request,
        "programmes/cohort_detail.html",
        {
            "cohort": cohort,
            "programme": cohort.programme,
            "can_change": policies.can_change(actor, cohort),
            "request_count": selectors.request_count(actor, cohort),
            "mentorship_count": selectors.mentorship_count(actor, cohort),
            "current_period": selectors.current_periods(actor, cohort.calendar),
        },
    )


@login_required
def cohort_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    cohort = selectors.access_cohort(actor, uuid, for_write=True)
    calendars = selectors.calendars_of(actor, cohort.organisation)
    initial = {name: getattr(cohort, name) for name in services.COHORT_FIELDS}
    form = forms.CohortForm(bound_data(request), initial=initial, calendars=calendars)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_cohort(actor, cohort, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Cohort saved.")
            return redirect(cohort)
    return render(
        request,
        "programmes/cohort_form.html",
        {
            "form": form,
            "programme": cohort.programme,
            "title": f"Edit cohort {cohort.name}",
            "submit": "Save cohort",
            "back": cohort,
        },
    )


# --- academic calendars ----------------------------------------------------------------------


@login_required
def organisation_calendars(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    organisation = org_selectors.access_organisation(actor, uuid)
    if not selectors.can_see_programmes_of(actor, organisation):
        raise PermissionDenied(f"The calendars of {organisation} are for the people in it")
    return render(
        request,
        "programmes/calendar_list.html",
        {
            "organisation": organisation,
            "calendars": selectors.calendars_of(actor, organisation),
            "can_manage": services.can_manage_calendars_of(actor, organisation),
        },
    )


def _next_start_year(actor: Any, organisation: Any) -> int:
    today = timezone.localdate()
    year = today.year if today.month >= 9 else today.year - 1
    taken = {c.starts_on.year for c in selectors.calendars_of(actor, organisation)}
    while year in taken:
        year += 1
    return year


@login_required
def calendar_new(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    organisation = org_selectors.access_organisation(actor, uuid)
    if not services.can_manage_calendars_of(actor, organisation):
        raise PermissionDenied(f"Only the coordinators of {organisation} manage its calendars")
    form = forms.CalendarForm(
        bound_data(request), initial={"start_year": _next_start_year(actor, organisation)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            calendar = services.create_default_calendar(
                actor, organisation, form.cleaned_data["start_year"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"Calendar {calendar.name} added with England's usual terms and half-terms. "
                "Change any dates that differ at your organisation.",
            )
            return redirect("programmes:calendar_detail", uuid=calendar.uuid)
    return form_page(
        request,
        form,
        title=f"Add an academic calendar for {organisation}",
        back=Link(
            f"calendars of {organisation}",
            reverse("programmes:organisation_calendars", kwargs={"uuid": organisation.uuid}),
        ),
        submit="Add calendar",
        intro="The calendar starts with the terms and half-terms most colleges in England "
        "follow. You can change every date afterwards.",
    )


@login_required
def calendar_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    calendar = selectors.access_calendar(actor, uuid)
    return render(
        request,
        "programmes/calendar_detail.html",
        {
            "calendar": calendar,
            "organisation": calendar.organisation,
            "terms": selectors.terms_with_half_terms(actor, calendar),
            "can_change": policies.can_change(actor, calendar),
            "cohorts": selectors.cohorts_on(actor, calendar),
        },
    )


@login_required
def period_edit(request: HttpRequest, uuid: str, period_uuid: str) -> HttpResponse:
    actor = request.actor
    period = selectors.access_period(actor, period_uuid, for_write=True)
    if str(period.calendar.uuid) != str(uuid):
        raise Http404("No calendar period found")
    form = forms.PeriodForm(
        bound_data(request), initial={"starts_on": period.starts_on, "ends_on": period.ends_on}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_period(actor, period, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{period.name} saved.")
            return redirect("programmes:calendar_detail", uuid=period.calendar.uuid)
    return render(
        request,
        "programmes/period_edit.html",
        {"form": form, "period": period, "calendar": period.calendar},
    )
