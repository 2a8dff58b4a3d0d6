"""Pathways in the Django admin, read-only: a published version never changes, and drafts, reviews and
comments change only through the editor and the review pages, whose services lock the version and write the
audit log. The admin shows everything, for support and for checking the audit trail."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .models import Comment, Invitation, Pathway, PathwayVersion, Review, Step, Transition


class ReadOnly:
    """No adding, changing or deleting: the admin views the records (an admin or an inline)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Pathway)
class PathwayAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("community", "source", "created_at")
    list_select_related = ("community",)


class StepInline(ReadOnly, TranslationTabularInline):
    model = Step
    fields = ("position", "key", "stage", "kind", "entry", "title", "age_min", "age_max", "target_days")
    extra = 0
    show_change_link = True


@admin.register(PathwayVersion)
class PathwayVersionAdmin(ReadOnly, TranslationAdmin):
    list_display = ("title", "pathway", "number", "status", "published_at")
    list_filter = ("status",)
    list_select_related = ("pathway__community",)
    inlines = [StepInline]
    raw_id_fields = ("based_on", "created_by", "published_by")


class TransitionInline(ReadOnly, TranslationTabularInline):
    model = Transition
    fields = ("position", "to_key", "otherwise", "label", "criteria")
    extra = 0


@admin.register(Step)
class StepAdmin(ReadOnly, TranslationAdmin):
    list_display = ("key", "version", "stage", "kind", "entry")
    list_filter = ("stage", "kind")
    list_select_related = ("version",)
    inlines = [TransitionInline]
    raw_id_fields = ("version",)


class InvitationInline(ReadOnly, admin.TabularInline):
    model = Invitation
    fields = ("name", "email", "role", "approved_at")
    extra = 0


@admin.register(Review)
class ReviewAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("version", "opened_at", "deadline", "closed_at")
    list_select_related = ("version",)
    inlines = [InvitationInline]
    raw_id_fields = ("version", "opened_by")


@admin.register(Comment)
class CommentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("author_name", "step_key", "review", "created_at", "resolved_at")
    list_select_related = ("review__version",)
    raw_id_fields = ("review", "invitation", "answered_by")
