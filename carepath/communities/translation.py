from modeltranslation.translator import TranslationOptions, register

from .models import Community, InventoryEntry, Place


@register(Community)
class CommunityTranslation(TranslationOptions):
    fields = ("name", "region", "description")


@register(Place)
class PlaceTranslation(TranslationOptions):
    fields = ("name",)


@register(InventoryEntry)
class InventoryEntryTranslation(TranslationOptions):
    fields = ("referral_notes",)
