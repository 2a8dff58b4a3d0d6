"""Saved plans kept whatever JSON was posted: keep only the fields of the navigator request in the plans saved
before, and drop those still larger than a saved plan may be (a real plan's answers are about 1 KB)."""

import json

from django.conf import settings
from django.db import migrations

# The navigator request's fields (CONTRACTS.md section 3) as they were when this migration was written.
FIELDS = {
    "community": None,
    "language": None,
    "child": {
        "age_months": None,
        "concerns": None,
        "screening": {"tool": None, "result": None},
        "indigenous_identity": None,
    },
    "family": {
        "languages": None,
        "delivery": None,
        "location": {"lat": None, "lon": None},
        "max_travel_km": None,
        "cost": None,
        "populations": None,
    },
    "situation": {"urgency": None, "in_care": None, "completing_care": None},
}


def keep(value, shape):
    if shape is None:
        return value if not isinstance(value, (dict, list)) or _codes(value) else None
    if isinstance(value, list):
        return [keep(item, shape) for item in value if isinstance(item, dict)]
    if not isinstance(value, dict):
        return None
    return {key: keep(value[key], sub) for key, sub in shape.items() if key in value}


def _codes(value):
    return isinstance(value, list) and all(isinstance(item, (str, int, float)) for item in value)


def forward(apps, schema_editor):
    SavedPlan = apps.get_model("navigator", "SavedPlan")
    limit = getattr(settings, "CAREPATH_PLAN_MAX_BYTES", 4096)
    for plan in SavedPlan.objects.iterator():
        kept = keep(plan.answers, FIELDS)
        too_big = len(json.dumps(kept, separators=(",", ":"), ensure_ascii=False).encode()) > limit
        if not isinstance(kept, dict) or too_big:
            plan.delete()
        elif kept != plan.answers:
            plan.answers = kept
            plan.save(update_fields=["answers"])


class Migration(migrations.Migration):
    dependencies = [("navigator", "0001_initial")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
