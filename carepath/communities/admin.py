from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .models import Community, InventoryEntry, Place


class PlaceInline(TranslationTabularInline):
    model = Place
    extra = 0


@admin.register(Community)
class CommunityAdmin(TranslationAdmin):
    list_display = ("name", "slug", "region")
    search_fields = ("slug", "name_en", "name_fr")
    inlines = [PlaceInline]


@admin.register(Place)
class PlaceAdmin(TranslationAdmin):
    list_display = ("name", "community", "kind", "latitude", "longitude")
    list_filter = ("community", "kind")
    list_select_related = ("community",)


@admin.register(InventoryEntry)
class InventoryEntryAdmin(TranslationAdmin):
    list_display = ("service", "community", "published", "updated_at")
    list_filter = ("community", "published")
    list_select_related = ("service", "community")
    raw_id_fields = ("service", "added_by")
    search_fields = ("service__name_en", "service__name_fr")
