"""Site administration of the registry: organizations and who belongs to them (there is no page for that
yet), written through the registry's services so each change is audit-logged, and read access to the rest.
Workflow changes go through the registry's own pages, which audit-log them; the admin shows practices,
surveys, decisions, approvals, instruments and case studies read-only."""

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import BaseInlineFormSet, ModelForm
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
from .services import organizations


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

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # practices name their organizations in the content a community approved

    def save_model(self, request: HttpRequest, obj: Organization, form: ModelForm, change: bool) -> None:
        saved = organizations.save_organization(
            actor=request.user, organization_id=obj.pk if change else None, data=form.cleaned_data
        )
        # The admin saves the inlines against this object next: it is now the saved row.
        obj.pk, obj._state.adding, obj._state.db = saved.pk, False, saved._state.db

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        members = formset.save(commit=False)
        for gone in formset.deleted_objects:
            organizations.remove_member(actor=request.user, member_id=gone.pk)
        for member in members:
            organizations.save_member(
                actor=request.user,
                organization_id=form.instance.pk,
                member_id=member.pk,
                user_id=member.user_id,
                role=member.role,
            )


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
