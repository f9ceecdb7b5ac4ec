"""Pinyin keys of Chinese names, for search by initials (bdcdj) or by syllables (budongchan)."""

import re

from pypinyin import Style, lazy_pinyin

_PINYIN_TOKEN = re.compile(r"[a-z0-9]+")


def pinyin_keys(text: str) -> tuple[str, list[str]]:
    """(initials, syllables) of `text`: `不动产登记` → ("bdcdj", ["bu", "dong", "chan", "deng", "ji"]).
    Latin letters and digits in the text are kept as they are (lower-cased); punctuation is dropped."""
    initials, syllables = [], []
    for first, full in zip(
        lazy_pinyin(text, style=Style.FIRST_LETTER), lazy_pinyin(text, style=Style.NORMAL), strict=False
    ):
        for token in _PINYIN_TOKEN.findall(full.lower()):
            syllables.append(token)
        initials.extend(_PINYIN_TOKEN.findall(first.lower()))
    return "".join(initials), syllables
