"""Pages of a community's pathway: its versions (read, print, gaps, compare, start and publish), the editor of a
draft, and reviews. What they share in showing a version is in ``pathways/present.py``."""
