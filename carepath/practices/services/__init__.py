"""Writes to the practice registry, one function per workflow step; each is atomic and audit-logged.

``practices`` holds the practice workflow (draft → submitted → screening → in review → decided → published →
archived) and community approvals, ``reviews`` the reviewers' work and the decision, ``surveys`` the
instruments and alignment surveys, ``content`` case studies and the working group's page.
"""

from django.core.exceptions import ValidationError

from carepath.errors import ServiceError


class WorkflowError(ServiceError, ValidationError):
    """A step that cannot be taken now; the message says why and what to do instead. A ValidationError too,
    so that ``messages`` lists each reason and forms and commands that catch validation errors catch it."""
