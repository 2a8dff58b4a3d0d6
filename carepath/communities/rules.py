"""Who may do what with a community and its inventory (django-rules; predicates from accounts)."""

from __future__ import annotations

import rules

from carepath.accounts.rules import is_facilitator, is_member, is_site_admin, is_staff

rules.add_perm("communities.view_community", rules.always_allow)
rules.add_perm("communities.view_unpublished", is_site_admin | is_member)
rules.add_perm("communities.change_inventory", is_site_admin | is_facilitator)
rules.add_perm("communities.import_hsds", is_site_admin | is_facilitator)
rules.add_perm("communities.change_community", is_site_admin | is_facilitator)
rules.add_perm("communities.add_community", is_site_admin)
# Reports of problems with listings: the steward community's facilitators; those about what the site keeps, the
# site administrators (``communities.see_site_reports``, no community).
rules.add_perm("communities.see_reports", is_site_admin | is_facilitator)
rules.add_perm("communities.see_site_reports", is_staff)
# The people at a community's table, their roles and who may edit the pathway: its facilitators.
rules.add_perm("communities.manage_members", is_site_admin | is_facilitator)
