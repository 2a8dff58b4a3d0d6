"""The practice registry: organizations, practices and their evidence, alignment surveys, reviews and
grades, community approvals (OCAP), case studies and the working group's page."""

from .cases import CaseStudy, CaseStudySection, CaseStudySource, RegistryPage
from .practices import Approval, Evidence, Organization, OrganizationMember, Practice
from .reviews import Assignment, Decision, Rating, ReviewQuestion
from .surveys import Answer, Instrument, Response, Survey

__all__ = [
    "Answer",
    "Approval",
    "Assignment",
    "CaseStudy",
    "CaseStudySection",
    "CaseStudySource",
    "Decision",
    "Evidence",
    "Instrument",
    "Organization",
    "OrganizationMember",
    "Practice",
    "Rating",
    "RegistryPage",
    "Response",
    "ReviewQuestion",
    "Survey",
]
