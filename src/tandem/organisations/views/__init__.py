"""Pages for organisations and people."""

from tandem.organisations.views.organisations import (
    organisation_detail,
    organisation_edit,
    organisation_list,
    partnership_add_member,
    partnership_appoint_admin,
    partnership_detail,
    partnership_edit,
    partnership_list,
    partnership_new_organisation,
    partnership_remove_member,
    site_edit,
)
from tandem.organisations.views.people import (
    membership_end,
    organisation_people,
    people,
    person_detail,
    person_edit,
    person_grant_role,
    person_line_manager,
    person_new,
)

__all__ = [
    "partnership_list",
    "partnership_detail",
    "partnership_edit",
    "partnership_new_organisation",
    "partnership_add_member",
    "partnership_remove_member",
    "partnership_appoint_admin",
    "organisation_list",
    "organisation_detail",
    "organisation_edit",
    "site_edit",
    "people",
    "organisation_people",
    "person_new",
    "person_detail",
    "person_edit",
    "person_grant_role",
    "membership_end",
    "person_line_manager",
]
