"""Pages of the meeting log (D3), time (D7) and calendar feeds (D9)."""

from django.urls import path

from tandem.relationships import meeting_views as views

urlpatterns: list = [
    path("mentorships/<uuid:uuid>/meetings/", views.meeting_list, name="meeting_list"),
    path("mentorships/<uuid:uuid>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("mentorships/<uuid:uuid>/meetings/plan/", views.meeting_plan, name="meeting_plan"),
    path("meetings/<uuid:uuid>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<uuid:uuid>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<uuid:uuid>/confirm/", views.meeting_confirm, name="meeting_confirm"),
    path("meetings/<uuid:uuid>/private-notes/", views.meeting_note_add, name="meeting_note_add"),
    path("actions/<uuid:uuid>/done/", views.action_done, name="action_done"),
    path("mentorships/<uuid:uuid>/time/", views.mentorship_time, name="mentorship_time"),
    path("time-entries/<uuid:uuid>/delete/", views.time_entry_delete, name="time_entry_delete"),
    path("organisations/<uuid:uuid>/time/", views.organisation_time, name="organisation_time"),
    path(
        "organisations/<uuid:uuid>/time/export.<str:fmt>",
        views.organisation_time_export,
        name="organisation_time_export",
    ),
    path("account/calendar/", views.account_calendar, name="account_calendar"),
    path("account/calendar/<uuid:uuid>/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:token>.ics", views.calendar_ics, name="calendar_feed"),
]
