from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("community",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Carepath"), {"fields": ("working_group_role", "preferred_language")}),
    )
    list_display = ("username", "email", "is_superuser", "working_group_role", "is_active")
    list_filter = ("is_superuser", "working_group_role", "is_active")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "community", "role", "created_at")
    list_filter = ("role", "community")
    list_select_related = ("user", "community")
    autocomplete_fields = ("user", "community")
