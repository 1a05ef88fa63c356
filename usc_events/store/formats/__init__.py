"""Exports in the event-data field's formats: PLOVER, ICEWS-style CAMEO dyads and Popolo.

Each writer takes the tables and a folder, like the writers of
:mod:`usc_events.store.export`, which registers them in its ``WRITERS``. The field-by-field
mapping of each format is documented in the docs' "Export formats" page.
"""
