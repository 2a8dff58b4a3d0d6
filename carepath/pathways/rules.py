"""Who may change and publish a community's pathway (django-rules; predicates from accounts). Seeing a draft
is ``communities.view_unpublished``: the community's members and site administrators.

Publishing needs a complete review (``services.publish``); those who may publish without one, giving the
reason, are the same people who publish: the table's facilitators and site administrators."""

from __future__ import annotations

import rules

from carepath.accounts.rules import edits_pathway, is_facilitator, is_site_admin

rules.add_perm("pathways.change_pathway", is_site_admin | is_facilitator | edits_pathway)
rules.add_perm("pathways.publish_pathway", is_site_admin | is_facilitator)
rules.add_perm("pathways.publish_without_review", is_site_admin | is_facilitator)
# Readers' feedback on the published pathway: its facilitators read it and say what they did.
rules.add_perm("pathways.read_feedback", is_site_admin | is_facilitator)
