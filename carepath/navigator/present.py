"""A plan in words: the engine's codes made into the contract's JSON, in the family's language.

Every sentence here is for a parent: short, plain, no codes and no system words (no "step", "target", "tier"
or "score"). ``safety`` and the lines in ``LINES`` are the numbers every plan carries.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from carepath.directory import vocabulary
from carepath.i18n import language_label, language_name
from carepath.pathways import describe

from .engine import Action, Match, Plan, PlanStep


@dataclass(frozen=True)
class Contact:
    """How to reach a service: its first phone, a text line, its web site."""

    phone: str = ""
    sms: str = ""
    url: str = ""


def _label(branch: str, code: str, language: str) -> str:
    term = vocabulary.load().terms.get(f"{branch}/{code}")
    return term.label(language) if term else code


def _list(items: list[str]) -> str:
    return str(get_text_list(items, _("and")))


def _lower(branch: str, codes: list[str], language: str) -> str:
    return _list([_label(branch, code, language).lower() for code in codes])


POPULATIONS = {
    "francophone": gettext_lazy("francophone families"),
    "newcomer": gettext_lazy("newcomer and refugee families"),
    "young-parents": gettext_lazy("young parents"),
    "first-nations": gettext_lazy("First Nations families"),
    "inuit": gettext_lazy("Inuit families"),
    "metis": gettext_lazy("Métis families"),
    "indigenous": gettext_lazy("Indigenous families"),
    "kin-foster-caregivers": gettext_lazy("kin and foster caregivers"),
}


WAYS = {
    "in-person": gettext_lazy("in person"),
    "home-visit": gettext_lazy("home visits"),
    "virtual": gettext_lazy("video"),
    "phone": gettext_lazy("phone"),
    "group": gettext_lazy("groups"),
    "self-directed": gettext_lazy("online or printed resources"),
}


def duration(days: int) -> str:
    """A wait in words a parent reads at a glance: days, then weeks, then months."""
    if days < 14:
        return ngettext("%(count)s day", "%(count)s days", days) % {"count": days}
    if days < 60:
        weeks = round(days / 7)
        return ngettext("about %(count)s week", "about %(count)s weeks", weeks) % {"count": weeks}
    months = round(days / 30)
    return ngettext("about %(count)s month", "about %(count)s months", months) % {"count": months}


def _ways(params: dict[str, Any], language: str) -> str:
    ways = _list([str(WAYS.get(c) or _label("delivery", c, language)) for c in params["delivery"]])
    return ways or _("not stated")


def _km(params: dict[str, Any], language: str) -> str:
    return _number(params["km"], language)


def _waited(params: dict[str, Any]) -> str:
    if params["days"] == 0:
        return _("Usually no wait.")
    return _("Usually starts within %(time)s.") % {"time": duration(params["days"])}


# A reason or caution that says the same whatever the service.
SIMPLE = {
    "crisis": gettext_lazy("Crisis help for young children and their families."),
    "least-intensive": gettext_lazy("A light start: more help is there if you need it."),
    "interpretation": gettext_lazy("Not offered in your language: ask for an interpreter when you call."),
    "check-place": gettext_lazy("In person only: check where before you go."),
    "check-area": gettext_lazy("Serves some areas only: check that yours is one of them."),
    "free": gettext_lazy("Free."),
    "sliding-scale": gettext_lazy("Fees depend on your income."),
    "fee": gettext_lazy("There is a fee."),
    "indigenous-led": gettext_lazy("Run by and for Indigenous families."),
    "referral-needed": gettext_lazy("Needs a referral from your doctor or nurse practitioner."),
    "self-referral": gettext_lazy("You can contact them yourself."),
}
# The others: (code) -> (params, language) -> words.
SAYS: dict[str, Any] = {
    "type": lambda p, lang: _("Offers %(types)s.") % {"types": _lower("service-type", p["types"], lang)},
    "concerns": lambda p, lang: (
        _("Helps with %(concerns)s.") % {"concerns": _lower("concern", p["concerns"], lang)}
    ),
    "language": lambda p, lang: (
        _("Offered %(languages)s.")
        % {
            "languages": _list(
                [_("in %(language)s") % {"language": language_name(c, lang)} for c in p["languages"]]
            )
        }
    ),
    "delivery": lambda p, lang: _("Offered as you asked: %(delivery)s.") % {"delivery": _ways(p, lang)},
    "delivery-other": lambda p, lang: (
        _("Not offered the way you asked; offered: %(delivery)s.") % {"delivery": _ways(p, lang)}
    ),
    "comes-to-you": lambda p, lang: _("No travel needed: %(delivery)s.") % {"delivery": _ways(p, lang)},
    "near": lambda p, lang: _("About %(km)s km from you.") % {"km": _km(p, lang)},
    "far": lambda p, lang: _("About %(km)s km from you: ask about help with travel.") % {"km": _km(p, lang)},
    "wait-ok": lambda p, lang: _waited(p),
    "wait-long": lambda p, lang: (
        _("Often a wait: %(time)s. Ask them to put your child on the list now.")
        % {"time": duration(p["days"])}
    ),
    "population": lambda p, lang: (
        _("Made for %(populations)s.")
        % {
            "populations": _list(
                [str(POPULATIONS.get(c) or _label("population", c, lang)) for c in p["populations"]]
            )
        }
    ),
}


def reason(code: str, params: dict[str, Any], language: str) -> str:
    """One reason or caution in words ("" for a code this version does not know). A plan says some hundreds,
    most of them alike (the same types, languages, waits): each is put in words once per worker."""
    key = tuple((name, tuple(value) if isinstance(value, list) else value) for name, value in params.items())
    return _reason(code, key, language)


@functools.lru_cache(maxsize=8192)
def _reason(code: str, params: tuple[tuple[str, Any], ...], language: str) -> str:
    with translation.override(language):
        if code in SIMPLE:
            return str(SIMPLE[code])
        says = SAYS.get(code)
        return says(dict(params), language) if says else ""


def _number(value: float, language: str) -> str:
    text = f"{value:.0f}" if value >= 10 else f"{value:.1f}"
    return text.replace(".", ",") if language == "fr" else text


# Why a step is in the plan, by the engine's code.
WHY = {
    "crisis": gettext_lazy("You said this is a crisis: get help now."),
    "first-steps": gettext_lazy(
        "Where every child's care starts: check-ups, and a place to raise any worry."
    ),
    "screening": gettext_lazy(
        "A short questionnaire about how your child is growing shows what help fits, if any."
    ),
    "in-care": gettext_lazy("Your child is getting help now: what keeps it on track and what comes next."),
    "leaving-care": gettext_lazy("When the help ends: everyday supports, and school when it is near."),
    "school-age": gettext_lazy("From 6, school-age services take over from early-years services."),
    "coming-up": gettext_lazy("Coming up at your child's age."),
}


def why(plan_step: PlanStep, steps_by_key: dict[str, Any], request: Any, language: str) -> str:
    """Why this step is in the plan, in a short sentence for the family."""
    code = plan_step.why
    if code in WHY:
        return str(WHY[code])
    after = steps_by_key.get(plan_step.after) if plan_step.after else None
    after_title = _text(after.title, language) if after else ""
    if code == "for-worry":
        if plan_step.worries:
            return _("For what you told us about: %(worries)s.") % {
                "worries": _lower("concern", list(plan_step.worries), language)
            }
        return _("For what you told us.")
    if code == "screen-result" and plan_step.via is not None and plan_step.via.criteria.screening_tool:
        tool = plan_step.via.criteria.screening_tool
        return _("After your child's %(tool)s result: %(result)s.") % {
            "tool": describe.tool(tool),
            "result": describe.result(dict(request.screening).get(tool, "")),
        }
    if code == "while-waiting":
        if not after_title:
            return _("Waits between services are common: help you can use in the meantime.")
        return _("“%(step)s” often has a wait: help you can use in the meantime.") % {"step": after_title}
    return _("After “%(step)s”.") % {"step": after_title}


# Why a step lists no service, by the engine's code (``engine.why_empty``).
EMPTY = {
    "none-here": gettext_lazy("This community does not list a service for this yet."),
    "age": gettext_lazy("No service here for this takes children of your child's age."),
    "population": gettext_lazy("The services here for this are only for some groups of families."),
    "area": gettext_lazy("The services here for this do not cover where you live."),
    "distance": gettext_lazy("The services here for this are in person only, too far from where you live."),
    "language": gettext_lazy("No service here for this is offered in your language or with an interpreter."),
    "cost": gettext_lazy("The services here for this all have a fee."),
}

NOTICES = {
    "outside-area": gettext_lazy(
        "You seem to live outside the area this community's services cover. The services by phone or video "
        "below can still help, and 211 can tell you about services near you."
    ),
    "school-age": gettext_lazy(
        "Early-years services end when children start school. From 6, school-age services take over: "
        "children's mental health intake, the school team and your doctor."
    ),
    "in-care": gettext_lazy(
        "Keep going with the help your child has now, and tell the people who give it about any new worry. "
        "What follows can help besides, and while you wait."
    ),
    "no-service-in-language": gettext_lazy(
        "No service here is offered in %(languages)s. Many offer an interpreter: ask for one when you call. "
        "211 answers in more than 150 languages."
    ),
}


def notice(code: str, params: dict[str, Any], language: str) -> str:
    text = str(NOTICES[code])
    if code == "no-service-in-language":
        text %= {"languages": _list([language_label(c, language) for c in params["languages"]])}
    return text


def _text(value: dict[str, str], language: str) -> str:
    return value.get(language) or value.get("en") or value.get("fr") or ""


def _name(match: Match, language: str) -> str:
    facts = match.facts
    return (facts.name_fr or facts.name) if language == "fr" else facts.name


def service(match: Match, language: str) -> dict[str, Any]:
    facts = match.facts
    return {
        "id": facts.id,
        "name": _name(match, language),
        "organization": (facts.organization_fr or facts.organization)
        if language == "fr"
        else facts.organization,
        "score": match.score,
        "delivery": sorted(facts.delivery),
        "distance_km": match.distance_km,
        "wait_days": facts.wait_days,
        "reasons": [text for code, params in match.reasons if (text := reason(code, params, language))],
        "cautions": [text for code, params in match.cautions if (text := reason(code, params, language))],
    }


def _reach(item: dict[str, Any], service_id: str | None, contacts: dict[str, Contact]) -> dict[str, Any]:
    contact = contacts.get(service_id or "")
    if contact is not None:
        for key in ("phone", "sms", "url"):
            if getattr(contact, key):
                item[key] = getattr(contact, key)
    return item


def action(item: Action, language: str, contacts: dict[str, Contact]) -> dict[str, Any]:
    name = _name(item.match, language)
    if item.kind == "ask":
        text = _("Ask your doctor or nurse practitioner for a referral to %(name)s.") % {"name": name}
    elif item.kind == "go":
        text = _("Go to %(name)s, or call 911.") % {"name": name}
    elif item.kind == "visit" and "well-child-visit" in item.match.facts.service_types:
        text = _("Book a check-up: %(name)s.") % {"name": name}
    elif contacts.get(item.match.id, Contact()).phone:
        text = _("Call %(name)s.") % {"name": name}
    else:
        text = _("Contact %(name)s.") % {"name": name}
    return _reach(
        {"action": item.kind, "text": text, "service": item.match.id, "name": name, "step": item.step},
        item.match.id,
        contacts,
    )


def _line(name: str, text: str, phone: str, sms: str = "", url: str = "") -> dict[str, Any]:
    item = {"name": name, "text": text, "phone": phone}
    if sms:
        item["sms"] = sms
    if url:
        item["url"] = url
    return item


def line_911() -> dict[str, Any]:
    return _line("911", _("If anyone is in danger right now, call 911."), "911")


def line_211(language: str) -> dict[str, Any]:
    return _line(
        "211",
        _("The community, social and health services near you, at any time, in more than 150 languages."),
        "211",
        sms="211",
        url="https://211ontario.ca/fr/" if language == "fr" else "https://211ontario.ca/",
    )


def line_988(age_months: int) -> dict[str, Any]:
    if age_months <= 12:
        text = _(
            "If you think of harming yourself or your baby, call 911 or go to the nearest emergency department "
            "now. You can also call or text 9-8-8, any time, in English or French."
        )
    else:
        text = _(
            "If you think of harming yourself or your child, call 911 or go to the nearest emergency department "
            "now. You can also call or text 9-8-8, any time, in English or French."
        )
    return _line(pgettext("helpline", "9-8-8 Suicide Crisis Helpline"), text, "988", sms="988")


def line_safe_at_home() -> dict[str, Any]:
    return _line(
        pgettext("helpline", "Safety at home"),
        _(
            "If someone at home hurts or threatens you or your child, call 911. 211 knows the shelters near you."
        ),
        "911",
    )


def safety(plan: Plan, language: str, contacts: dict[str, Contact]) -> list[dict[str, Any]]:
    """The safety net of every plan: 911, the parent's own line when their wellbeing is a worry, the
    community's crisis lines, 211."""
    out = [line_911()]
    if plan.harm:
        out.append(line_988(plan.request.age_months))
    if plan.unsafe_home:
        out.append(line_safe_at_home())
    for found in plan.safety:
        item = {
            "id": found.id,
            "name": _name(found, language),
            "text": _("Crisis help for your child and family."),
        }
        out.append(_reach(item, found.id, contacts))
    out.append(line_211(language))
    return out


def fallbacks(plan: Plan, language: str, contacts: dict[str, Contact]) -> list[dict[str, Any]]:
    out = []
    for found in plan.fallbacks:
        item = {
            **service(found, language),
            "text": _("They can tell you what else there is, by phone or video."),
        }
        out.append(_reach(item, found.id, contacts))
    out.append(line_211(language))
    return out


def contact_ids(plan: Plan) -> list[str]:
    """The services whose phone numbers and sites the answer's first actions and lines show."""
    ids = [a.match.id for a in plan.start_here] + [m.id for m in plan.safety] + [m.id for m in plan.fallbacks]
    return list(dict.fromkeys(ids))


def _step(item: PlanStep, plan: Plan, steps_by_key: dict[str, Any], language: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "key": item.step.key,
        "stage": item.step.stage,
        "title": _text(item.step.title, language),
        "why": why(item, steps_by_key, plan.request, language),
        "when": item.when,
        "services": [service(found, language) for found in item.services],
    }
    if item.also:
        out["also"] = [{"id": m.id, "name": _name(m, language), "step": m.step} for m in item.also]
    if item.empty:
        out["empty"] = {"code": item.empty, "text": str(EMPTY[item.empty])}
    return out


def as_json(
    plan: Plan, community: str, pathway_id: str, version: int, contacts: dict[str, Contact] | None = None
) -> dict[str, Any]:
    """The answer of ``POST /api/v1/navigator/match`` (CONTRACTS.md section 3, with its optional fields)."""
    language = plan.request.language
    contacts = contacts or {}
    with translation.override(language):
        steps_by_key = plan.pathway.by_key()
        steps = [_step(item, plan, steps_by_key, language) for item in plan.steps]
        first_seen: dict[str, str] = {}
        for item in plan.steps:
            for found in item.services:
                first_seen.setdefault(found.id, item.step.key)
        for step in steps:
            for also in step.get("also", []):
                also["step"] = first_seen.get(also["id"], also["step"])
        recommendations = [
            {**service(found, language), "step": found.step} for found in plan.recommendations()
        ]
        return {
            "community": community,
            "pathway": {"id": pathway_id, "title": _text(plan.pathway.title, language), "version": version},
            "steps": steps,
            "recommendations": recommendations,
            "start_here": [action(item, language, contacts) for item in plan.start_here],
            "notices": [
                {"code": code, "text": notice(code, params, language)} for code, params in plan.notices
            ],
            "for_you": [service(found, language) for found in plan.for_you],
            "fallbacks": fallbacks(plan, language, contacts),
            "safety": safety(plan, language, contacts),
        }
