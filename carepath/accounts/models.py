"""People and what they may do: site administrators, working-group reviewers, community memberships."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. Site administrators are superusers; other roles come from memberships."""

    class WorkingGroupRole(models.TextChoices):
        NONE = "", _("None")
        REVIEWER = "reviewer", _("Working-group reviewer")
        EDITOR = "editor", _("Working-group editor")

    REVIEWING_ROLES = (WorkingGroupRole.REVIEWER, WorkingGroupRole.EDITOR)  # editors review too

    email = models.EmailField(_("email address"), unique=True)
    working_group_role = models.CharField(
        _("working-group role"), max_length=20, choices=WorkingGroupRole.choices, blank=True, default=""
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=settings.LANGUAGES, default="en"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_reviewer(self) -> bool:
        return self.is_active and self.working_group_role in self.REVIEWING_ROLES


# Who makes a change, in every service function and the audit log: a person, or None for a command or the system
# (a visitor who is not signed in counts as None).
Actor = User | AnonymousUser | None


class Membership(models.Model):
    """A person's place at a community table, with the role that says what they may change."""

    class Role(models.TextChoices):
        FACILITATOR = "facilitator", _("Community facilitator")
        MEMBER = "member", _("Community member")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    can_edit_pathway = models.BooleanField(
        _("can edit the pathway"), default=False, help_text=_("Members with this right edit draft pathways.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="one_membership_per_community")
        ]
        ordering = ["community", "role", "user"]

    def __str__(self) -> str:
        return f"{self.user} · {self.community} · {self.get_role_display()}"
