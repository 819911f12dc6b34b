from django.contrib import admin

from tandem.mentors.models import Sector, Subject


class SubjectInline(admin.TabularInline):
    model = Subject
    extra = 1
    fields = ["name", "description", "is_active"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "position"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [SubjectInline]


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "is_active"]
    list_filter = ["sector__kind", "is_active"]
    search_fields = ["name", "sector__name"]
