"""Table definitions and everything derived from them.

- :mod:`~usc_events.schema.names`: the table names (light: no heavy import);
- :mod:`~usc_events.schema.models`: the vocabularies and one pydantic model per table;
- :mod:`~usc_events.schema.columns`: columns, Arrow, pandera and contribution schemas derived
  from the models.

The first stage of the data flow: it imports nothing else of the package but
:mod:`usc_events.errors`.
"""
