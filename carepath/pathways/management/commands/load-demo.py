import datetime
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from carepath.accounts import services as account_services
from carepath.communities import services
from carepath.communities.imports import import_hsds
from carepath.communities.models import Community
from carepath.pathways import services as pathways
from carepath.pathways.models import PathwayVersion

DEMO_DIR = settings.BASE_DIR / "demo"
DEMO_PASSWORD = "carepath-demo"  # noqa: S105 - published in the README, demo accounts only
DEMO_USERS = [
    # user name, email, role in the demo community ("" for none), site administrator?
    ("admin", "admin@carepath.localhost", "", True),
    ("facilitator", "facilitator@carepath.localhost", "facilitator", False),
    ("member", "member@carepath.localhost", "member", False),
]


class Command(BaseCommand):
    help = "Load a demo community (community.json and its HSDS files in English and French) from demo/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", nargs="?", default="north-shore")
        parser.add_argument(
            "--with-users",
            action="store_true",
            help="also create the demo accounts admin, facilitator and member (password: carepath-demo)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = DEMO_DIR / options["slug"]
        if not (folder / "community.json").exists():
            raise CommandError(f"No demo community at {folder}.", returncode=1)
        described = json.loads((folder / "community.json").read_text(encoding="utf-8"))
        with transaction.atomic():
            community = services.save_community_description(description=described)
            for language in ("en", "fr"):
                result = import_hsds(
                    path=folder / f"hsds.{language}.json",
                    community_slug=community.slug,
                    language=language,
                    display_name=f"hsds.{language}.json",
                )
                for problem in result.errors:
                    self.stderr.write(str(problem))
                if not result.ok:
                    raise CommandError(f"The demo file hsds.{language}.json has errors.", returncode=1)
                self.say(
                    options,
                    f"{community.slug} ({language}): {len(result.service_ids)} services, "
                    f"{result.total('created')} records created, {result.total('updated')} updated, "
                    f"{result.total('unchanged')} unchanged.",
                )
            if not community.pathways.exists():
                if (folder / "review.json").exists():
                    version = reviewed_pathway(community, folder / "review.json")
                    invited = version.reviews.get().invitations.count()
                    how = f"after its review ({invited} people invited, {version.steps.count()} steps)"
                else:
                    version = pathways.publish_template(community=community)
                    how = f"from the template ({version.steps.count()} steps)"
                self.say(options, f"{community.slug}: pathway published {how}.")
            if options["with_users"]:
                for username, email, role, admin in DEMO_USERS:
                    account_services.ensure_demo_user(
                        username=username,
                        email=email,
                        password=DEMO_PASSWORD,
                        community=community,
                        role=role,
                        site_admin=admin,
                    )
                self.say(options, "Demo accounts: admin, facilitator, member (password: carepath-demo).")
        self.say(options, self.style.SUCCESS(f"Demo community {community.slug} is ready."))

    def say(self, options: dict[str, Any], message: str) -> None:
        if options["verbosity"] > 0:
            self.stdout.write(message)


def reviewed_pathway(community: Community, path: Path) -> PathwayVersion:
    """The Ontario template as a draft, sent for review to the people ``path`` names (review.json), who comment
    and approve as they would through their links; the comments answered, then the version published."""
    described = json.loads(path.read_text(encoding="utf-8"))
    draft = pathways.start_draft(community=community, actor=None)
    review = pathways.open_review(
        version=draft,
        deadline=timezone.localdate() + datetime.timedelta(days=14),
        message=described["message"],
        invitees=[{"name": p["name"], "email": "", "role": p["role"]} for p in described["invitees"]],
        actor=None,
    )
    invited = {i.name: i for i in review.invitations.all()}
    for item in described.get("comments", []):
        made = pathways.comment(
            review=review,
            invitation=invited.get(item["author"]),
            author=item["author"],
            step_key=item["step"],
            text=item["text"],
        )
        if item.get("answer"):
            pathways.answer(comment=made, text=item["answer"], resolve=True, actor=None)
    for person in described["invitees"]:
        if person["role"] == "approver":
            pathways.approve(invitation=invited[person["name"]], note=person.get("approval_note", ""))
    return pathways.publish(version=draft, actor=None)
