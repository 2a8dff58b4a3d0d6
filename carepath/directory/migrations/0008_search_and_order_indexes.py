"""Indexes for lists and search at 100,000 services (issue 13).

- Everywhere: the orders lists use (a service's name in lower case, in English and in French falling back to
  English, then its id; an organization's), so a page of a long list is read from an index instead of sorting
  every row; and services' stewards by id, so which services are public is read in step with the published
  inventory entries (communities migration 0004); and language codes in upper case, as filters compare them.
- On PostgreSQL only: the ``pg_trgm`` extension and a GIN index on each expression ``directory/search.py`` searches
  with (each language's text search vector of a service and of an organization, trigrams of service names).
  SQLite has neither, so these are not in the models' state: the models do not declare them, and on SQLite this
  part does nothing.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models
from django.db.models.functions import Coalesce, Lower, Upper


class AddIndexOnPostgreSQL(migrations.AddIndex):
    """``AddIndex`` on PostgreSQL only, outside the models' state."""

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Create index {self.index.name} on {self.model_name} (PostgreSQL only)"


CONFIGS = {"en": "english", "fr": "french"}


def service_vector(lang):
    return SearchVector(f"name_{lang}", config=CONFIGS[lang], weight="A") + SearchVector(
        f"description_{lang}", config=CONFIGS[lang], weight="C"
    )


class Migration(migrations.Migration):
    dependencies = [("directory", "0007_link_entity_case")]
    operations = [
        migrations.AddIndex(
            model_name="service",
            index=models.Index(Lower("name_en"), models.F("id"), name="service_name_en_order"),
        ),
        migrations.AddIndex(
            model_name="service",
            index=models.Index(
                Lower(Coalesce("name_fr", "name_en")), models.F("id"), name="service_name_fr_order"
            ),
        ),
        migrations.AddIndex(
            model_name="service",
            index=models.Index(fields=["id", "steward"], name="service_steward_by_id"),
        ),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(Lower("name_en"), models.F("id"), name="organization_name_order"),
        ),
        migrations.AddIndex(
            model_name="language",
            index=models.Index(Upper("code"), name="language_code_any_case"),
        ),
        TrigramExtension(),
        *(
            AddIndexOnPostgreSQL(
                model_name="service", index=GinIndex(service_vector(lang), name=f"service_search_{lang}")
            )
            for lang in CONFIGS
        ),
        *(
            AddIndexOnPostgreSQL(
                model_name="service",
                index=GinIndex(OpClass(f"name_{lang}", name="gin_trgm_ops"), name=f"service_name_{lang}_trgm"),
            )
            for lang in CONFIGS
        ),
        *(
            AddIndexOnPostgreSQL(
                model_name="organization",
                index=GinIndex(
                    SearchVector(f"name_{lang}", config=CONFIGS[lang], weight="B"),
                    name=f"organization_search_{lang}",
                ),
            )
            for lang in CONFIGS
        ),
    ]
