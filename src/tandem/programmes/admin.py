"""Programme templates (public reference data) and programmes, for platform administrators."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from tandem.core.admin import TenantAdmin
from tandem.programmes import rules
from tandem.programmes.models import (
    AcademicCalendar,
    CalendarPeriod,
    Cohort,
    Programme,
    ProgrammeTemplate,
)


class RulesForm(forms.ModelForm):
    """The same checks of the rules as the pages and the API, on the admin's raw JSON."""

    def clean(self) -> dict[str, Any]:
        from tandem.programmes.services import weight_errors

        data = super().clean()
        errors: dict[str, list[str]] = {}
        problems = rules.contact_rule_problems(data.get("contact_rules", []))
        problems += rules.document_problems(data.get("required_documents", []))
        problems += rules.report_problems(data.get("report_schedule", []))
        for path, message in problems:
            errors.setdefault(path.split(".")[0], []).append(message)
        weights = {name: data.get(name) for name in ProgrammeTemplate.WEIGHT_FIELDS}
        if all(isinstance(v, float | int) for v in weights.values()):
            short = {k.removeprefix("weight_"): v for k, v in weights.items()}
            for field, messages in weight_errors(short).items():
                errors.setdefault(field, []).extend(messages)
        if errors:
            raise ValidationError(errors)
        if "report_schedule" in data:
            data["report_recipients"] = rules.recipients_of(data["report_schedule"])
        return data


@admin.register(ProgrammeTemplate)
class ProgrammeTemplateAdmin(admin.ModelAdmin):
    form = RulesForm
    list_display = ["name", "code", "purpose", "relationship_type", "position"]
    list_filter = ["purpose", "relationship_type"]
    search_fields = ["name", "code", "description"]
    ordering = ["position", "name"]


@admin.register(Programme)
class ProgrammeAdmin(TenantAdmin):
    form = RulesForm
    list_display = ["name", "organisation", "partnership", "purpose", "is_active"]
    list_filter = ["purpose", "relationship_type", "is_active"]
    search_fields = ["name", "organisation__name", "partnership__name"]
    raw_id_fields = ["organisation", "partnership", "template"]
    readonly_fields = ["uuid", "version", "created_at", "updated_at"]


class CalendarPeriodInline(admin.TabularInline):
    model = CalendarPeriod
    extra = 0
    fields = ["kind", "position", "name", "starts_on", "ends_on"]


@admin.register(AcademicCalendar)
class AcademicCalendarAdmin(TenantAdmin):
    list_display = ["name", "organisation", "starts_on", "ends_on"]
    search_fields = ["name", "organisation__name"]
    raw_id_fields = ["organisation"]
    inlines = [CalendarPeriodInline]


@admin.register(Cohort)
class CohortAdmin(TenantAdmin):
    list_display = ["name", "programme", "organisation", "starts_on", "ends_on", "status"]
    list_filter = ["status"]
    search_fields = ["name", "programme__name", "organisation__name"]
    raw_id_fields = ["programme", "organisation", "calendar"]
