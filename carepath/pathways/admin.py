from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .models import Comment, Invitation, Pathway, PathwayVersion, Review, Step, Transition


@admin.register(Pathway)
class PathwayAdmin(admin.ModelAdmin):
    list_display = ("community", "source", "created_at")
    list_select_related = ("community",)


class StepInline(TranslationTabularInline):
    model = Step
    fields = ("position", "key", "stage", "kind", "entry", "title", "age_min", "age_max", "target_days")
    extra = 0
    show_change_link = True


@admin.register(PathwayVersion)
class PathwayVersionAdmin(TranslationAdmin):
    list_display = ("title", "pathway", "number", "status", "published_at")
    list_filter = ("status",)
    list_select_related = ("pathway__community",)
    inlines = [StepInline]
    raw_id_fields = ("based_on", "created_by", "published_by")


class TransitionInline(TranslationTabularInline):
    model = Transition
    fields = ("position", "to_key", "otherwise", "label", "criteria")
    extra = 0


@admin.register(Step)
class StepAdmin(TranslationAdmin):
    list_display = ("key", "version", "stage", "kind", "entry")
    list_filter = ("stage", "kind")
    list_select_related = ("version",)
    inlines = [TransitionInline]
    raw_id_fields = ("version",)


class InvitationInline(admin.TabularInline):
    model = Invitation
    fields = ("name", "email", "role", "approved_at")
    readonly_fields = ("approved_at",)
    extra = 0


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("version", "opened_at", "deadline", "closed_at")
    list_select_related = ("version",)
    inlines = [InvitationInline]
    raw_id_fields = ("version", "opened_by")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("author_name", "step_key", "review", "created_at", "resolved_at")
    list_select_related = ("review__version",)
    raw_id_fields = ("review", "invitation", "answered_by")
