"""strict_json parses with jiter and falls back to the standard parser to name problems: both
must read every valid file to the same values, and refuse what the format refuses."""

from __future__ import annotations

import json

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mlcert_desktop.packs import format as fmt
from mlcert_desktop.packs.errors import PackFormatError

# Strings without lone surrogates (which the format refuses, see below).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)


def _typed(value):
    """The value with every scalar's type beside it: 1, 1.0 and True compare equal in Python."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return (type(value).__name__, repr(value))


def _within_depth_limit(value) -> bool:
    try:
        fmt._depth(value, fmt.MAX_DEPTH)
    except PackFormatError:
        return False
    return True


@settings(max_examples=300, deadline=None)
@given(value=VALUES, ascii_only=st.booleans(), indent=st.sampled_from([None, 0, 2]))
def test_valid_json_reads_as_the_standard_parser_reads_it(value, ascii_only, indent):
    assume(_within_depth_limit(value))
    data = json.dumps(value, ensure_ascii=ascii_only, indent=indent).encode("utf-8")
    expected = json.loads(data)
    parsed = fmt.strict_json(data, "x.json")
    assert _typed(parsed) == _typed(expected)
    assert list(_keys(parsed)) == list(_keys(expected))


def _keys(value):
    """Every key in document order (dict equality ignores order)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _keys(v)
    elif isinstance(value, list):
        for v in value:
            yield from _keys(v)


@pytest.mark.parametrize(
    ("data", "match"),
    [
        # The same key twice, once escaped: keys are compared as the text they stand for.
        (b'{"id": "q1", "\\u0069d": "q2"}', "duplicate key"),
        (b'[{"a": 1, "b": {"c": 1, "c": 2}}]', "duplicate key 'c'"),
        # A lone surrogate is not text: SQLite could not store it.
        (b'["\\ud800"]', "not valid JSON"),
        (b'["\\udc00x"]', "not valid JSON"),
        # Deeper than jiter goes (200 levels): still the format's own message.
        (b"[" * 300 + b"]" * 300, "nested deeper than 16"),
        (b"[" * 5000 + b"]" * 5000, "nested"),
        (b'["a\nb"]', "not valid JSON"),
        (b"[1,]", "not valid JSON"),
        (b"\xef\xbb\xbf[1]", "not valid JSON"),
        (b'["\xc0\x80"]', "UTF-8"),
        (b"[Infinity]", "Infinity"),
        (b"", "not valid JSON"),
    ],
)
def test_what_the_format_refuses(data, match):
    with pytest.raises(PackFormatError, match=match) as err:
        fmt.strict_json(data, "x.json")
    assert str(err.value).startswith("x.json")


def test_a_surrogate_pair_is_one_character():
    assert fmt.strict_json(b'["\\ud83d\\ude00"]', "x.json") == ["\U0001f600"]
