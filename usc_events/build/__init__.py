"""``data/`` → checked rows: the layout of ``data/``, readers, ids, quotes, rules.

Reads the files contributors edit (YAML, CSV, source texts), locates every quote,
checks every rule and hands the checked tables to :mod:`usc_events.store`; the
stages are listed in :mod:`usc_events.build.builder`.
"""
