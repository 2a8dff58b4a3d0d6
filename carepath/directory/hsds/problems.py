"""Problems found in an HSDS file: what is wrong, where, and how bad.

Messages are templates with named parameters. They are marked with ``gettext_noop`` so that Django's
``makemessages`` collects them and the web and command line can show them in French, while this module
stays free of Django.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


def gettext_noop(message: str) -> str:
    return message


MESSAGES = {
    "file_missing": gettext_noop("The file or folder does not exist."),
    "file_unreadable": gettext_noop("The file cannot be read: %(reason)s"),
    "file_not_utf8": gettext_noop("The file is not UTF-8 text."),
    "file_too_large": gettext_noop("The file is larger than the %(limit)s bytes allowed."),
    "file_type": gettext_noop(
        "This is not an HSDS file: give a .json file, a .zip data package or a folder with datapackage.json."
    ),
    "json_syntax": gettext_noop("The JSON is broken at line %(line)s, column %(column)s: %(reason)s."),
    "json_too_deep": gettext_noop(
        "The JSON is nested more than %(limit)s levels deep; HSDS files need far fewer. Check the file."
    ),
    "json_number": gettext_noop("The JSON holds a number of more than 4300 digits, which cannot be read."),
    "package_files": gettext_noop(
        "The data package holds %(count)s files; at most %(limit)s are allowed (HSDS has 24 tables)."
    ),
    "zip_path": gettext_noop(
        "The zip holds %(path)s, a path outside the package (absolute or with '..'); nothing was read."
    ),
    "package_too_large": gettext_noop(
        "The data package expands to %(size)s bytes; at most %(limit)s are allowed. Split the file or ask "
        "the site administrator to raise CAREPATH_IMPORT_MAX_UNCOMPRESSED_BYTES."
    ),
    "zip_ratio": gettext_noop(
        "This file of the zip expands %(ratio)s times its stored size (at most %(limit)s): it looks like a "
        "zip bomb, so nothing was read."
    ),
    "csv_field_too_large": gettext_noop(
        "A cell is larger than the %(limit)s bytes allowed; check for a missing closing quote."
    ),
    "csv_columns": gettext_noop(
        "This row has %(count)s columns; at most %(limit)s are allowed (HSDS tables have far fewer)."
    ),
    "json_shape": gettext_noop(
        "The JSON must be one service, a list of services or a service_list page with 'contents'."
    ),
    "not_object": gettext_noop("Each record must be a JSON object; found %(found)s."),
    "not_list": gettext_noop("This must be a list of objects; found %(found)s."),
    "no_records": gettext_noop("The file holds no services or other HSDS records."),
    "datapackage_missing": gettext_noop("No datapackage.json was found in the data package."),
    "datapackage_broken": gettext_noop(
        "datapackage.json cannot be read (%(reason)s); CSV files were matched by their standard HSDS names."
    ),
    "resource_path": gettext_noop("The resource path %(path)s is not a file inside the data package."),
    "file_unknown": gettext_noop(
        "This file was not read: without a datapackage.json, only files named as HSDS tables (services.csv, "
        "service_at_location.csv, phones.csv...) at the top of the package are read."
    ),
    "resource_unknown": gettext_noop("The resource %(name)s is not an HSDS table; it was skipped."),
    "csv_broken": gettext_noop("The CSV file cannot be read: %(reason)s"),
    "csv_no_id": gettext_noop("The CSV file has no 'id' column."),
    "unknown_field": gettext_noop("%(field)s is not an HSDS field of %(table)s; it was ignored."),
    "required": gettext_noop("%(field)s is required."),
    "not_text": gettext_noop("%(field)s must be text; found %(found)s."),
    "nul_character": gettext_noop("This contains a NUL character, which no database can store."),
    "not_number": gettext_noop("%(field)s must be a number; found %(value)s."),
    "not_integer": gettext_noop("%(field)s must be a whole number; found %(value)s."),
    "not_boolean": gettext_noop("%(field)s must be true or false; found %(value)s."),
    "bad_uuid": gettext_noop("%(field)s must be a UUID; found %(value)s."),
    "bad_email": gettext_noop("%(field)s must be an email address; found %(value)s."),
    "bad_uri": gettext_noop(
        "%(field)s must be a web address that starts with http:// or https://; found %(value)s."
    ),
    "bad_date": gettext_noop("%(field)s must be a date written YYYY-MM-DD; found %(value)s."),
    "bad_time": gettext_noop("%(field)s must be a time written HH:MM or HH:MM:SS; found %(value)s."),
    "bad_datetime": gettext_noop("%(field)s must be a date and time in ISO 8601; found %(value)s."),
    "bad_enum": gettext_noop("%(field)s must be one of %(choices)s; found %(value)s."),
    "bad_age": gettext_noop("%(field)s must be between 0 and 130 years; found %(value)s."),
    "ages_reversed": gettext_noop("minimum_age %(minimum)s is greater than maximum_age %(maximum)s."),
    "duplicate_conflict": gettext_noop(
        "The %(table)s %(id)s appears more than once with different values of %(field)s."
    ),
    "nested_mismatch": gettext_noop(
        "%(field)s is %(value)s but the record is nested in %(parent)s %(parent_id)s."
    ),
    "dangling_reference": gettext_noop(
        "%(field)s refers to %(target)s %(value)s, which is neither in this file nor in the directory; "
        "the reference was kept as given."
    ),
    "placeholder_extent": gettext_noop(
        "extent is not a GeoJSON Polygon or MultiPolygon (found %(value)s); it was kept as given and the "
        "area is not used to check where families live."
    ),
    "bad_geojson": gettext_noop("extent is not valid GeoJSON: %(reason)s."),
    "placeholder_entity": gettext_noop(
        "%(field)s should name an HSDS table such as service; found %(value)s. It was kept as given, and is "
        "part of no record."
    ),
    "vocabulary_code": gettext_noop(
        "%(value)s is not a code of the carepath vocabulary. Valid codes in %(branch)s: %(choices)s."
    ),
    "vocabulary_branch": gettext_noop(
        "%(value)s is not a code of the carepath vocabulary. Codes start with one of: %(choices)s."
    ),
    "vocabulary_value": gettext_noop(
        "The value of a %(branch)s attribute must be one of %(choices)s; found %(value)s."
    ),
    "vocabulary_days": gettext_noop(
        "The value of a wait-days attribute must be a whole number of days; found %(value)s."
    ),
    "stewarded_elsewhere": gettext_noop(
        "%(table)s %(id)s is kept by %(steward)s: only they can change it. Leave it out of the file or give "
        "it unchanged, or ask them to change it."
    ),
    "stewarded_by_site": gettext_noop(
        "%(table)s %(id)s is kept by the site: only a site administrator can change it. Leave it out of the "
        "file or give it unchanged."
    ),
    "attaches_elsewhere": gettext_noop(
        "%(field)s adds this record to %(target)s %(value)s, which %(steward)s keeps: only they can add to it."
    ),
    "attaches_to_site": gettext_noop(
        "%(field)s adds this record to %(target)s %(value)s, which the site keeps: only a site administrator "
        "can add to it."
    ),
    "orphan_detached": gettext_noop(
        "%(part)s %(id)s, kept by %(steward)s, named %(target)s %(value)s before it existed; that link was "
        "cleared, so it does not reach the record this file creates."
    ),
    "unlisted_elsewhere": gettext_noop(
        "service %(id)s is kept by %(steward)s, who has not published it: it can be listed here once they do."
    ),
    "import_busy": gettext_noop(
        "Another import into this community is being written. Nothing was changed: try again when it has "
        "finished."
    ),
    "import_conflict": gettext_noop(
        "Another import wrote some of the same records at the same moment. Nothing was changed: try again."
    ),
    "latitude": gettext_noop("latitude must be between -90 and 90; found %(value)s."),
    "longitude": gettext_noop("longitude must be between -180 and 180; found %(value)s."),
}


@dataclass(frozen=True)
class Problem:
    """One problem: severity, where it is (file, record, field) and what is wrong."""

    code: str
    severity: str = ERROR
    file: str = ""
    where: str = ""  # "row 4", "services[2].phones[0]", "line 3, column 9"
    table: str = ""
    record_id: str = ""
    field: str = ""
    params: dict[str, object] = dataclasses.field(default_factory=dict)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def message(self, translate: object = None) -> str:
        template = MESSAGES[self.code]
        if callable(translate):
            template = translate(template)
        params = {"field": self.field, "table": self.table, **self.params}
        if callable(translate) and params.get("found") in TYPE_NAMES.values():
            params["found"] = translate(params["found"])
        return template % {key: _show(value) for key, value in params.items()}

    def place(self) -> str:
        """File, position and record, e.g. ``services.csv, row 4, service 1a2b...``."""
        parts = [part for part in (self.file, self.where) if part]
        if self.record_id and self.record_id not in self.where:
            parts.append(f"{self.table} {self.record_id}".strip())
        return ", ".join(parts)

    def location(self) -> str:
        return ", ".join(part for part in (self.place(), self.field) if part)

    def __str__(self) -> str:
        return f"{self.severity}: {self.location()}: {self.message()}"


def _show(value: object) -> str:
    if isinstance(value, str):
        return value if len(value) <= 80 else value[:77] + "..."
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


TYPE_NAMES = {
    "null": gettext_noop("null"),
    "boolean": gettext_noop("true/false"),
    "number": gettext_noop("a number"),
    "text": gettext_noop("text"),
    "list": gettext_noop("a list"),
    "object": gettext_noop("an object"),
}


def describe(value: object) -> str:
    """A short name for the JSON type of ``value``, for messages (translated when shown)."""
    if value is None:
        return TYPE_NAMES["null"]
    if isinstance(value, bool):
        return TYPE_NAMES["boolean"]
    if isinstance(value, int | float):
        return TYPE_NAMES["number"]
    if isinstance(value, str):
        return TYPE_NAMES["text"]
    if isinstance(value, list):
        return TYPE_NAMES["list"]
    if isinstance(value, dict):
        return TYPE_NAMES["object"]
    return type(value).__name__
