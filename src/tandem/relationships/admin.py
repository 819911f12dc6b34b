"""Platform administration of mentorships: read-only, because every change goes through
the services (which check the hard constraints, log the event and tell the people)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tandem.core.admin import TenantAdmin
from tandem.relationships.models import Mentorship, MentorshipEvent


class EventInline(admin.TabularInline):
    model = MentorshipEvent
    fields = ["at", "code", "actor_name", "detail"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Mentorship)
class MentorshipAdmin(TenantAdmin):
    list_display = ["mentor", "mentee", "organisation", "programme", "status", "created_at"]
    list_filter = ["status", "source"]
    search_fields = [
        "mentor__family_name",
        "mentor__email",
        "mentee__family_name",
        "mentee__email",
        "organisation__name",
    ]
    inlines = [EventInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Mentorship._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
