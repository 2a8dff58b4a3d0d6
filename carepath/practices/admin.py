"""Site administration of the registry: organizations and who belongs to them (there is no page for that
yet), and read access to the rest. Workflow changes go through the registry's own pages, which audit-log
them; the admin shows practices, surveys and decisions read-only."""

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from modeltranslation.admin import TranslationAdmin

from .models import (
    Approval,
    CaseStudy,
    Decision,
    Instrument,
    Organization,
    OrganizationMember,
    Practice,
    Survey,
)


class MemberInline(admin.TabularInline):
    model = OrganizationMember
    extra = 1
    raw_id_fields = ("user",)


@admin.register(Organization)
class OrganizationAdmin(TranslationAdmin):
    list_display = ("name", "kind", "jurisdiction", "indigenous_governed")
    list_filter = ("kind", "jurisdiction", "indigenous_governed")
    search_fields = ("name_en", "name_fr", "slug")
    inlines = [MemberInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Practice)
class PracticeAdmin(ReadOnly):
    list_display = ("name", "status", "tier", "indigenous", "updated_at")
    list_filter = ("status", "tier", "indigenous")
    search_fields = ("name_en", "name_fr", "slug")


@admin.register(Decision)
class DecisionAdmin(ReadOnly):
    list_display = ("practice", "round", "tier", "decided_at")
    list_select_related = ("practice",)


@admin.register(Approval)
class ApprovalAdmin(ReadOnly):
    list_display = ("community", "approver_name", "approved_on", "practice", "case_study")
    list_select_related = ("practice", "case_study")


@admin.register(Survey)
class SurveyAdmin(ReadOnly):
    list_display = ("title", "organization", "instrument", "status")
    list_select_related = ("organization", "instrument")


@admin.register(Instrument)
class InstrumentAdmin(ReadOnly):
    list_display = ("title_en", "code", "version", "loaded_at")
    exclude = ("document",)


@admin.register(CaseStudy)
class CaseStudyAdmin(ReadOnly):
    list_display = ("title", "status", "indigenous", "published_at")
