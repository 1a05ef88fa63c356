"""Every id the build derives, each computed here and nowhere else.

The schema names these functions in its ``Derived(by=...)`` markers; each
function's parameters are named as the columns it is computed from.
"""

from __future__ import annotations

import hashlib


def passage_id(document_id: str, start: int) -> str:
    """A passage's id: ``document_id@start``."""
    return f"{document_id}@{start}"


def participant_id(meeting_id: str, actor_id: str) -> str:
    """A meeting participant's id: ``meeting_id.actor_id``."""
    return f"{meeting_id}.{actor_id}"


def evidence_id(record_type: str, record_id: str, document_id: str, start: int, end: int) -> str:
    """An evidence row's id: ``ev-`` and a hash of the record, the document and the span."""
    key = "\x1f".join((record_type, record_id, document_id, str(start), str(end)))
    return f"ev-{hashlib.sha256(key.encode()).hexdigest()[:12]}"


def citation_id(record_type: str, record_id: str, field: str | None, reference_id: str) -> str:
    """A citation's id: ``ci-`` and a hash of the record, the field and the reference."""
    key = "\x1f".join((record_type, record_id, field or "", reference_id))
    return f"ci-{hashlib.sha256(key.encode()).hexdigest()[:12]}"
