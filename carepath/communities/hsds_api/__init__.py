"""The HSDS 3.0 read API over the published community inventories (``/api/hsds/``).

Shapes follow the official OpenAPI of HSDS 3.0: paginated lists (``total_items``, ``total_pages``,
``page_number``, ``size``, ``first_page``, ``last_page``, ``empty``, ``contents``) and fully nested single
records. Text is given in the language asked for (``Accept-Language`` or ``?lang=en|fr``), English by default.

- ``params``: the query parameters, checked, every bad one reported at once;
- ``paging``: the HSDS page of a list;
- ``base``: a list view and a detail view declared by model, filters and order;
- ``records``: which records are public, and how each table's records are written in lists and nested;
- ``views``: the endpoints.
"""

HSDS_VERSION = "3.0"
