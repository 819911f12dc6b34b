"""Every write to organisations and people: one function per use case.

Each function checks permission through ``tandem.core.policies``, validates,
writes in one transaction and records an audit event.
"""

from tandem.organisations.services.common import normalise_email
from tandem.organisations.services.line_management import (
    check_line_manager,
    manager_chain,
    set_line_manager,
)
from tandem.organisations.services.partnerships import (
    add_partnership_member,
    appoint_partnership_admin,
    create_organisation,
    create_partnership,
    remove_partnership_member,
    save_site,
    update_organisation,
    update_partnership,
)
from tandem.organisations.services.people import (
    create_person,
    end_role,
    grant_role,
    link_user_to_person,
    set_membership_site,
    sync_person_email,
    update_person,
)

__all__ = [
    "normalise_email",
    "create_partnership",
    "update_partnership",
    "create_organisation",
    "update_organisation",
    "add_partnership_member",
    "remove_partnership_member",
    "appoint_partnership_admin",
    "save_site",
    "link_user_to_person",
    "create_person",
    "update_person",
    "sync_person_email",
    "grant_role",
    "end_role",
    "set_membership_site",
    "manager_chain",
    "check_line_manager",
    "set_line_manager",
]
