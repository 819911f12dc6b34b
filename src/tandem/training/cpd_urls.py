"""Pages of the CPD record (E4)."""

from django.urls import path

from tandem.training import cpd_views as views

urlpatterns: list = [
    path("cpd/", views.cpd_record, name="cpd_record"),
    path("people/<uuid:uuid>/cpd/", views.person_cpd, name="person_cpd"),
    path("people/<uuid:uuid>/cpd/<int:year>.csv", views.cpd_csv, name="cpd_csv"),
    path("people/<uuid:uuid>/cpd/<int:year>.pdf", views.cpd_pdf, name="cpd_pdf"),
    path("cpd/entries/new/", views.cpd_entry_new, name="cpd_entry_new"),
    path("cpd/entries/<uuid:uuid>/edit/", views.cpd_entry_edit, name="cpd_entry_edit"),
    path("cpd/entries/<uuid:uuid>/delete/", views.cpd_entry_delete, name="cpd_entry_delete"),
    path("cpd/entries/<uuid:uuid>/evidence/", views.cpd_evidence, name="cpd_evidence"),
]
