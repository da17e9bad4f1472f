"""Pinyin search keys at import speed, identical to `validation.search_keys`.

`pypinyin.lazy_pinyin` costs about 20 µs a call and the keys need two calls per name: for
200,000 residents that alone is longer than inserting them. Most names contain no word of
pypinyin's phrase dictionary, and then pypinyin converts them character by character, so
the keys of the name are the concatenation of the keys of its characters — which are
memoised (a town uses a few thousand distinct characters). A name containing a dictionary
phrase (where pronunciation may depend on context) goes through `search_keys` itself.
tests/registry/test_import.py checks the two agree on many names.
"""

import functools

from pypinyin.constants import PHRASES_DICT

from .validation import name_suffixes, pinyin_keys, search_keys


@functools.lru_cache(maxsize=50_000)
def _char_keys(ch: str) -> tuple[str, str]:
    return pinyin_keys(ch)


@functools.lru_cache(maxsize=1)
def _longest_phrase(size: int) -> int:
    return max((len(k) for k in PHRASES_DICT), default=1)


def _has_phrase(name: str) -> bool:
    longest = _longest_phrase(len(PHRASES_DICT))
    n = len(name)
    for i in range(n - 1):
        for j in range(i + 2, min(n, i + longest) + 1):
            if name[i:j] in PHRASES_DICT:
                return True
    return False


@functools.lru_cache(maxsize=1)
def _plain_shape() -> bool:
    """True while `search_keys` yields exactly the two pinyin keys and the name suffixes; if it
    ever derives more (or different) columns, the import simply calls it for every name."""
    return search_keys("欧阳娜娜") == {
        "name_pinyin": "ouyangnana",
        "name_initials": "oynn",
        **name_suffixes("欧阳娜娜"),
    }


@functools.lru_cache(maxsize=65_536)  # names repeat (张伟, 王芳 …); the result is an immutable tuple
def import_search_keys(name: str) -> tuple:
    """The derived search columns of a (stripped) name as ((field, value), …)."""
    if not _plain_shape() or _has_phrase(name):
        return tuple(search_keys(name).items())
    parts = [_char_keys(ch) for ch in name]
    full = "".join(p[0] for p in parts)[:200]
    initials = "".join(p[1] for p in parts)[:50]
    return (("name_pinyin", full), ("name_initials", initials), ("name_s1", name[1:51]), ("name_s2", name[2:52]))
