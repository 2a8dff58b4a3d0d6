from django.contrib import admin

from . import limits
from .models import AuditEntry

# The admin's sign-in counts against the same per-client limit as the site's (axes pauses one account's).
admin.site.login = limits.limit("sign-in", "CAREPATH_LOGIN_CLIENT_RATE")(admin.site.login)  # type: ignore[method-assign]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "target_type", "target_id", "community")
    list_filter = ("action", "community")
    list_select_related = ("actor", "community")
    search_fields = ("target_id", "action")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
