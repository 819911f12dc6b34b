"""Platform administration of mentoring requests and matching runs (superusers only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tandem.core.admin import TenantAdmin
from tandem.core.tenancy import system_access
from tandem.matching.models import MatchRun, MentoringRequest, Proposal


@admin.register(MentoringRequest)
class MentoringRequestAdmin(TenantAdmin):
    list_display = ["mentee", "organisation", "subject", "route", "status", "created_at"]
    list_filter = ["status", "route"]
    search_fields = ["mentee__given_name", "mentee__family_name", "mentee__email"]
    raw_id_fields = ["mentee", "chosen_mentor", "decided_by", "created_by", "cohort"]


class ProposalInline(admin.TabularInline):
    model = Proposal
    extra = 0
    can_delete = False
    fields = ["request", "mentor", "mentor_organisation", "score", "rung", "unmatched_reason"]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> Any:
        qs = super().get_queryset(request)
        return qs.scoped() if request.user.is_superuser else qs.none()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    """Runs are read here (for support); they change only through the matching pages."""

    list_display = ["cohort", "organisation", "status", "matched", "mentees", "created_at"]
    list_filter = ["status", "objective"]
    readonly_fields = [f.name for f in MatchRun._meta.fields]
    inlines = [ProposalInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        qs = super().get_queryset(request)
        return qs.scoped() if request.user.is_superuser else qs.none()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return self._unscoped(super().changelist_view, request, *args, **kwargs)

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return self._unscoped(super().changeform_view, request, *args, **kwargs)

    def delete_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return self._unscoped(super().delete_view, request, *args, **kwargs)

    def _unscoped(self, view: Any, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_superuser:
            return view(request, *args, **kwargs)
        with system_access():
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            return response
