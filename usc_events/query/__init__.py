"""The analysts' helpers: the corpus, and what it is built from.

:mod:`~usc_events.query.corpus` (the :class:`Corpus` and ``open``) converts results
to a backend; :mod:`~usc_events.query.engine` (Arrow tables and DuckDB),
:mod:`~usc_events.query.lookup` (names and ids to records),
:mod:`~usc_events.query.selections` (meetings, statements, positions, search) and
:mod:`~usc_events.query.connections` (evidence, related records, timeline, network)
compute on Arrow; then date windows, sentences and plots.
"""
