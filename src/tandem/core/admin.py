"""Django admin for platform administrators (superusers) only.

Tenant querysets fail closed, so the admin marks its querysets as scoped —
but only for superusers, who see everything by policy anyway.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from tandem.core.models import AuditEvent
from tandem.core.tenancy import system_access

admin.site.site_header = "Tandem platform administration"
admin.site.site_title = "Tandem administration"
admin.site.index_title = "Records"


class TenantAdmin(SimpleHistoryAdmin):
    """Admin for a tenant model: superusers work unscoped, everyone else sees no rows."""

    def get_queryset(self, request: HttpRequest) -> Any:
        qs = super().get_queryset(request)
        return qs.scoped() if request.user.is_superuser else qs.none()

    def _as_platform_admin(self, view: Any, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_superuser:
            return view(request, *args, **kwargs)
        # Forms, inlines and related choices query other tenant records.
        with system_access():
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            return response

    def changelist_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return self._as_platform_admin(super().changelist_view, request, *args, **kwargs)

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return self._as_platform_admin(super().changeform_view, request, *args, **kwargs)

    def delete_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return self._as_platform_admin(super().delete_view, request, *args, **kwargs)

    def history_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return self._as_platform_admin(super().history_view, request, *args, **kwargs)

    def history_form_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return self._as_platform_admin(super().history_form_view, request, *args, **kwargs)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "code", "object_label", "organisation"]
    search_fields = ["code", "actor_name", "object_label"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def get_queryset(self, request: HttpRequest) -> Any:
        qs = super().get_queryset(request)
        return qs.scoped() if request.user.is_superuser else qs.none()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
