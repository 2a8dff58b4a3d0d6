"""Load the practice registry's shipped content (case studies) and, with --demo, a demonstration registry."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from carepath.accounts.models import User
from carepath.practices import queries, rubric
from carepath.practices.models import (
    CaseStudy,
    Instrument,
    Organization,
    OrganizationMember,
    Practice,
    Survey,
)
from carepath.practices.services import content, practices, reviews, surveys

CASE_STUDIES = Path(__file__).resolve().parents[2] / "data" / "case_studies"
DEMO = settings.BASE_DIR / "demo" / "registry.json"
DEMO_PASSWORD = "carepath-demo"  # noqa: S105 - published in the README, demo accounts only
# Agreed ratings that make the demo's graded practice a good (not yet best) practice.
GOOD = {"cbpp-replicated": "partly", "lp-spread": "partly", "lp-innovation": "partly"}


class Command(BaseCommand):
    help = (
        "Load the registry's case studies (kept as drafts where they await approval); --demo adds demo data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--demo", action="store_true", help="also load demo organizations, people and practices"
        )
        parser.add_argument(
            "--with-users",
            action="store_true",
            help="give the demo people the password carepath-demo so they can sign in",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            for instrument in surveys.load_shipped(Instrument):
                self.say(options, f"instrument {instrument.code} v{instrument.version}")
            for path in sorted(CASE_STUDIES.glob("*.json")):
                try:
                    case = content.save_case_study(
                        actor=None, document=json.loads(path.read_text(encoding="utf-8"))
                    )
                except ValidationError as error:
                    problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
                    raise CommandError(f"{path.name}: {problems}") from error
                if not case.indigenous and case.status != case.Status.PUBLISHED:
                    content.publish_case_study(actor=None, case=case)
                self.say(options, f"case study {case.slug}: {case.get_status_display()}")
            if options["demo"]:
                self.demo(options)
        self.say(options, self.style.SUCCESS("The practice registry is ready."))

    def say(self, options: dict[str, Any], message: str) -> None:
        if options["verbosity"] > 0:
            self.stdout.write(message)

    def demo(self, options: dict[str, Any]) -> None:
        data = json.loads(DEMO.read_text(encoding="utf-8"))
        page = data["page"]
        content.save_registry_page(
            actor=None,
            data={
                **{
                    f"{f}_{lang}": page[f][lang]
                    for f in ("purpose", "partners", "sponsors")
                    for lang in ("en", "fr")
                },
                "contact": page["contact"],
            },
        )
        for item in data["organizations"]:
            Organization.objects.update_or_create(
                slug=item["slug"],
                defaults={
                    "name_en": item["name"]["en"],
                    "name_fr": item["name"]["fr"],
                    "kind": item["kind"],
                    "jurisdiction": item["jurisdiction"],
                    "region": item.get("region", ""),
                    "indigenous_governed": item.get("indigenous_governed", False),
                },
            )
        people = {p["username"]: self.person(p, options["with_users"]) for p in data["people"]}
        instrument = queries.current_instrument()
        assert instrument is not None  # load_shipped above loaded it
        for item in data["surveys"]:
            self.survey(item, instrument, people)
        for item in data["practices"]:
            if not Practice.objects.filter(slug=item["slug"]).exists():
                self.practice(item, instrument, people)
        self.say(
            options, f"demo registry: {len(data['practices'])} practices, {len(data['surveys'])} surveys"
        )
        if options["with_users"]:
            self.say(options, "Registry demo accounts: " + ", ".join(people) + " (password: carepath-demo).")

    def person(self, item: dict[str, Any], with_password: bool) -> User:
        user = User.objects.filter(username=item["username"]).first()
        if user is None:
            user = User.objects.create_user(
                username=item["username"],
                email=f"{item['username']}@carepath.localhost",
                first_name=item["name"][0],
                last_name=item["name"][1],
                working_group_role=item.get("role", ""),
            )
        if with_password:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if item.get("organization"):
            OrganizationMember.objects.update_or_create(
                organization=Organization.objects.get(slug=item["organization"]),
                user=user,
                defaults={"role": item["organization_role"]},
            )
        return user

    def survey(self, item: dict[str, Any], instrument: Instrument, people: dict[str, User]) -> None:
        organization = Organization.objects.get(slug=item["organization"])
        if Survey.objects.filter(organization=organization, title=item["title"]).exists():
            return
        lead = people[item["respondents"][0]]
        survey = surveys.start_survey(
            actor=lead,
            organization=organization,
            instrument=instrument,
            title=item["title"],
            respondents=[people[u] for u in item["respondents"]],
        )
        if not item["levels"]:
            return
        pattern, shift = item["levels"], (0, 0, 1, -1, 0, 2)
        questions = instrument.layout.questions
        for n, response in enumerate(survey.responses.order_by("pk")):
            given = {
                q: (max(0, min(5, pattern[i % len(pattern)] + (shift[i % 6] if n else 0))), False, "")
                for i, q in enumerate(questions)
            }
            surveys.save_answers(actor=response.respondent, response=response, given=given, submit=True)
        consensus = {q: (pattern[i % len(pattern)], False, "") for i, q in enumerate(questions)}
        surveys.record_consensus(
            actor=lead,
            survey=survey,
            given=consensus,
            meeting_on=datetime.date.fromisoformat(item["meeting_on"]),
            note="",
            finish=True,
        )

    def practice(self, item: dict[str, Any], instrument: Instrument, people: dict[str, User]) -> None:
        organizations = list(Organization.objects.filter(slug__in=item["organizations"]))
        submitter = next(
            p
            for p in people.values()
            if p.organization_memberships.filter(organization__in=organizations).exists()
        )
        data: dict[str, Any] = {"slug": item["slug"], "instrument": instrument}
        for field in (
            "name",
            "summary",
            "description",
            "core_components",
            "adaptable_components",
            "outcomes",
        ):
            for lang in ("en", "fr"):
                data[f"{field}_{lang}"] = item.get(field, {}).get(lang, "")
        for field in (
            "jurisdictions",
            "settings",
            "populations",
            "dimensions",
            "approaches",
            "restricted_fields",
        ):
            data[field] = item.get(field, [])
        for field in ("region", "contacts", "indigenous_community"):
            data[field] = item.get(field, "")
        data["indigenous"] = item.get("indigenous", False)
        practice = practices.create_practice(actor=submitter, organizations=organizations, data=data)
        for evidence in item["evidence"]:
            practices.add_evidence(
                actor=submitter,
                practice=practice,
                data={
                    "kind": evidence["kind"],
                    "title": evidence["title"],
                    "date": datetime.date.fromisoformat(evidence["date"]),
                    "summary_en": evidence["summary"]["en"],
                    "summary_fr": evidence["summary"]["fr"],
                },
            )
        for case in CaseStudy.objects.filter(slug__in=item.get("case_studies", [])):
            case.practices.add(practice)
        if not (item.get("submit") or item.get("grade")):
            return
        practices.submit(actor=submitter, practice=practice)
        if not item.get("grade"):
            return
        editor = people["editor"]
        practices.start_screening(actor=editor, practice=practice)
        practices.screen(actor=editor, practice=practice, accept=True, note="")
        criteria = [c.code for c in rubric.load().criteria(practice.indigenous)]
        agreed = {code: GOOD.get(code, "met") for code in criteria}
        evidence_items = list(practice.evidence.all())
        for username in ("reviewer1", "reviewer2"):
            assignment = reviews.assign_reviewer(actor=editor, practice=practice, reviewer=people[username])
            reviews.declare_interests(
                actor=people[username], assignment=assignment, has_conflict=False, note=""
            )
            reviews.rate(
                actor=people[username],
                assignment=assignment,
                ratings={code: (rating, "", evidence_items) for code, rating in agreed.items()},
                finish=True,
            )
        rationale = item["grade"]["rationale"]
        reviews.decide(
            actor=editor,
            practice=practice,
            agreed=agreed,
            rationale_en=rationale["en"],
            rationale_fr=rationale["fr"],
        )
        if item.get("publish"):
            practices.publish(actor=editor, practice=practice)
