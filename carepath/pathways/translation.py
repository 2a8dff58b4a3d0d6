from modeltranslation.translator import TranslationOptions, register

from .models import PathwayVersion, Step, Transition


@register(PathwayVersion)
class PathwayVersionTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Step)
class StepTranslation(TranslationOptions):
    fields = ("title", "text")


@register(Transition)
class TransitionTranslation(TranslationOptions):
    fields = ("label",)
