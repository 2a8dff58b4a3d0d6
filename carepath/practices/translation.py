from modeltranslation.translator import TranslationOptions, register

from .models import (
    CaseStudy,
    CaseStudySection,
    CaseStudySource,
    Decision,
    Evidence,
    Organization,
    Practice,
    RegistryPage,
)
from .models.practices import TRANSLATED


@register(Organization)
class OrganizationTranslation(TranslationOptions):
    fields = ("name",)


@register(Practice)
class PracticeTranslation(TranslationOptions):
    fields = TRANSLATED


@register(Evidence)
class EvidenceTranslation(TranslationOptions):
    fields = ("summary",)


@register(Decision)
class DecisionTranslation(TranslationOptions):
    fields = ("rationale",)


@register(CaseStudy)
class CaseStudyTranslation(TranslationOptions):
    fields = ("title", "summary", "indigenous_community")


@register(CaseStudySection)
class CaseStudySectionTranslation(TranslationOptions):
    fields = ("heading", "body")


@register(CaseStudySource)
class CaseStudySourceTranslation(TranslationOptions):
    fields = ("title",)


@register(RegistryPage)
class RegistryPageTranslation(TranslationOptions):
    fields = ("purpose", "partners", "sponsors")
