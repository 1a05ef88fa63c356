"""Compare spans of text over whole columns: the evidence-span and direct-quote rules.

:func:`span_mismatches` checks that ``text[start:end] == quote`` for a million
evidence rows at once. Offsets count code points while Arrow stores UTF-8, so the
offsets are first turned into byte offsets with NumPy (only multi-byte characters
cost anything); each span then becomes an Arrow *string view* into the
documents' own bytes, without copying them, and one Arrow ``equal`` compares all
spans with their quotes.

:func:`contains_pairwise` tells, pair by pair, whether one string contains another.
"""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

#: Arrow string views address at most 2 GiB of one buffer; larger text is cut into
#: overlapping windows of this step, so that a span shorter than the step fits one window.
_WINDOW = 1 << 30


def _single_array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    import pyarrow as pa

    if isinstance(values, pa.ChunkedArray):
        if values.num_chunks == 1:
            return values.chunk(0)
        if pa.types.is_string(values.type):
            values = values.cast(pa.large_string())
        return values.combine_chunks()
    return values


def _ints(values: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """The values as int64 (nulls as 0) and a mask of the non-null ones."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    array = _single_array(values)
    valid = pc.is_valid(array).to_numpy(zero_copy_only=False)
    filled = pc.fill_null(array.cast(pa.int64()), 0).to_numpy(zero_copy_only=False)
    return np.asarray(filled, dtype=np.int64), np.asarray(valid, dtype=bool)


def code_point_to_byte(texts: pa.Array, document: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Byte positions, in ``texts``' data buffer, of code point ``offsets[i]`` of each text.

    The text of row ``i`` is ``texts[document[i]]``.

    Each offset must lie within its text (``0 ≤ offset ≤ length``).
    """
    import numpy as np

    bounds = _offsets(texts)
    data = np.frombuffer(_data(texts), dtype=np.uint8)
    low = int(bounds[0])
    region = data[low : int(bounds[-1])]
    # Lead bytes of multi-byte characters, and how many bytes each adds beyond one.
    lead = np.flatnonzero(region >= 0xC0)
    first = region[lead]
    extra = 1 + (first >= 0xE0).astype(np.int64) + (first >= 0xF0)
    before = np.zeros(len(lead) + 1, dtype=np.int64)
    np.cumsum(extra, out=before[1:])
    lead_code_point = lead - before[:-1]
    start_byte = bounds[:-1] - low
    start_code_point = start_byte - before[np.searchsorted(lead, start_byte)]
    code_point = start_code_point[document] + offsets
    result: np.ndarray = code_point + before[np.searchsorted(lead_code_point, code_point)] + low
    return result


def _data(texts: pa.Array) -> pa.Buffer:
    """The UTF-8 bytes of a string array (an empty buffer when all its strings are empty)."""
    import pyarrow as pa

    data = texts.buffers()[2]
    return data if data is not None else pa.py_buffer(b"")


def _offsets(texts: pa.Array) -> np.ndarray:
    import numpy as np
    import pyarrow as pa

    width = np.int64 if pa.types.is_large_string(texts.type) else np.int32
    raw = np.frombuffer(texts.buffers()[1], dtype=width)
    return raw[texts.offset : texts.offset + len(texts) + 1].astype(np.int64)


def views(data: pa.Buffer, starts: np.ndarray, lengths: np.ndarray) -> pa.Array:
    """A string-view array of the byte ranges ``data[starts[i] : starts[i] + lengths[i]]``.

    Nothing is copied but the first bytes of each range (Arrow keeps up to 12
    bytes inside the view). Ranges longer than the window step are not supported.
    """
    import numpy as np
    import pyarrow as pa

    count = len(starts)
    raw = np.frombuffer(data, dtype=np.uint8)
    size = len(raw)
    window = starts // _WINDOW
    windows = max(1, -(-size // _WINDOW))
    buffers = [data.slice(w * _WINDOW, min(size - w * _WINDOW, 2 * _WINDOW - 1))
               for w in range(windows)]
    out = np.zeros((count, 16), dtype=np.uint8)
    out[:, 0:4] = lengths.astype("<i4").view(np.uint8).reshape(count, 4)
    head = np.minimum(starts[:, None] + np.arange(12), max(size - 1, 0))
    gathered = raw[head] if size else np.zeros((count, 12), dtype=np.uint8)
    gathered[np.arange(12) >= lengths[:, None]] = 0
    short = lengths <= 12
    out[short, 4:16] = gathered[short]
    long = ~short
    out[long, 4:8] = gathered[long, :4]
    out[long, 8:12] = window[long].astype("<i4").view(np.uint8).reshape(-1, 4)
    out[long, 12:16] = (starts[long] - window[long] * _WINDOW).astype("<i4") \
        .view(np.uint8).reshape(-1, 4)
    return pa.Array.from_buffers(pa.string_view(), count,
                                 [None, pa.py_buffer(out.tobytes()), *buffers])


def span_mismatches(
    texts: pa.Array | pa.ChunkedArray,
    document: pa.Array | pa.ChunkedArray,
    start: pa.Array | pa.ChunkedArray,
    end: pa.Array | pa.ChunkedArray,
    quote: pa.Array | pa.ChunkedArray,
) -> np.ndarray:
    """For each row, whether ``texts[document][start:end]`` is not ``quote``.

    ``document`` indexes ``texts``. A span outside its text (negative, reversed or
    past the end) does not give the quote. Rows where any input or the text is
    null are not compared (False): other rules report the nulls.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = _single_array(texts)
    doc, has_doc = _ints(document)
    low, has_low = _ints(start)
    high, has_high = _ints(end)
    quotes = _single_array(quote)
    has_quote = pc.is_valid(quotes).to_numpy(zero_copy_only=False)
    text_valid = np.asarray(pc.is_valid(texts).to_numpy(zero_copy_only=False), dtype=bool)
    length = np.asarray(pc.fill_null(pc.utf8_length(texts), 0).to_numpy(zero_copy_only=False),
                        dtype=np.int64)
    compared = has_doc & has_low & has_high & has_quote & (doc >= 0) & (doc < len(texts))
    compared[compared] &= text_valid[doc[compared]]
    in_range = compared & (low >= 0) & (low <= high)
    in_range[in_range] &= high[in_range] <= length[doc[in_range]]
    mismatch: np.ndarray = compared & ~in_range
    rows = np.flatnonzero(in_range)
    if len(rows) == 0:
        return mismatch
    byte_low = code_point_to_byte(texts, doc[rows], low[rows])
    byte_high = code_point_to_byte(texts, doc[rows], high[rows])
    span_bytes = byte_high - byte_low
    quote_bytes = np.asarray(
        pc.binary_length(quotes.take(pa.array(rows))).to_numpy(zero_copy_only=False),
        dtype=np.int64)
    same_length = span_bytes == quote_bytes
    mismatch[rows[~same_length]] = True
    rows, byte_low, span_bytes = rows[same_length], byte_low[same_length], span_bytes[same_length]
    if len(rows) == 0:
        return mismatch
    spans = views(_data(texts), byte_low, span_bytes)
    wanted = quotes.take(pa.array(rows)).cast(pa.string_view())
    equal = np.asarray(pc.equal(spans, wanted).to_numpy(zero_copy_only=False), dtype=bool)
    mismatch[rows[~equal]] = True
    return mismatch


def contains_pairwise(
    haystacks: pa.Array | pa.ChunkedArray, needles: pa.Array | pa.ChunkedArray
) -> list[bool]:
    """Whether ``needles[i]`` occurs in ``haystacks[i]``, for every pair (nulls: False).

    Arrow has no kernel that takes its pattern from a column; this maps
    ``str.__contains__`` over the pairs in C, with no Python code run per pair.
    """
    hay: list[Any] = haystacks.to_pylist()
    needle: list[Any] = needles.to_pylist()
    if None in hay or None in needle:
        return [h is not None and n is not None and n in h
                for h, n in zip(hay, needle, strict=True)]
    return list(map(operator.contains, hay, needle))
