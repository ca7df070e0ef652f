"""What changed between two versions of a note's text, word by word (no Django).

The segments are plain text with a kind; the template marks them up with <ins>/<del>, so
the note's text is escaped like any other."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["same", "ins", "del"]
# Words and the spaces between them, so the text reads as it was written.
_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Segment:
    kind: Kind
    text: str


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[Segment]:
    """`new` as segments: unchanged, inserted and deleted words (deletions before the
    insertions that replace them)."""
    before, after = _tokens(old), _tokens(new)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment("same", "".join(after[j1:j2])))
            continue
        if tag in ("delete", "replace"):
            segments.append(Segment("del", "".join(before[i1:i2])))
        if tag in ("insert", "replace"):
            segments.append(Segment("ins", "".join(after[j1:j2])))
    return [s for s in segments if s.text]
