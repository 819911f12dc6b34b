from django.contrib import admin
from django.db import models

from tandem.core.admin import TenantAdmin
from tandem.organisations.models import (
    ImportBatch,
    LineManagement,
    Membership,
    Organisation,
    Partnership,
    PartnershipMember,
    PartnershipRole,
    Person,
    Site,
)


class MemberInline(admin.TabularInline):
    model = PartnershipMember
    raw_id_fields = ["organisation"]
    extra = 0


@admin.register(Partnership)
class PartnershipAdmin(TenantAdmin):
    list_display = ["name", "region", "require_mfa_for_admins"]
    search_fields = ["name"]
    inlines = [MemberInline]


@admin.register(Organisation)
class OrganisationAdmin(TenantAdmin):
    list_display = ["name", "kind", "region", "require_mfa_for_staff"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ["kind", "require_mfa_for_staff"]
    search_fields = ["name"]


@admin.register(Site)
class SiteAdmin(TenantAdmin):
    list_display = ["name", "organisation", "postcode"]
    raw_id_fields = ["organisation"]
    search_fields = ["name", "organisation__name"]


@admin.register(Person)
class PersonAdmin(TenantAdmin):
    list_display = ["family_name", "given_name", "email", "user"]
    search_fields = ["family_name", "given_name", "email"]
    raw_id_fields = ["user"]


@admin.register(Membership)
class MembershipAdmin(TenantAdmin):
    list_display = ["person", "organisation", "role", "starts_on", "ends_on"]
    list_filter = ["role"]
    raw_id_fields = ["person", "organisation", "site"]
    search_fields = ["person__email", "organisation__name"]


@admin.register(LineManagement)
class LineManagementAdmin(TenantAdmin):
    list_display = ["manager", "report", "organisation", "starts_on", "ends_on"]
    raw_id_fields = ["manager", "report", "organisation"]
    search_fields = ["manager__email", "report__email"]


@admin.register(PartnershipRole)
class PartnershipRoleAdmin(TenantAdmin):
    list_display = ["person", "partnership", "role"]
    raw_id_fields = ["person", "partnership"]


@admin.register(ImportBatch)
class ImportBatchAdmin(TenantAdmin):
    list_display = ["filename", "organisation", "created_at", "rows"]
    raw_id_fields = ["organisation", "created_by"]
