"""German: a compound of a statement said with its last part swapped for a synonym ("Modeunternehmen"
drafted as "Modefirmen", "Ladennetz" as "Geschäftsnetz") names the same thing: both share a first part of
at least :data:`MIN_FIRST_PART` letters, and the last parts are synonyms in OpenThesaurus
(:mod:`.thesaurus_de`). :func:`.meaning.check_substitution` asks it before it calls the draft's
compound a new thing put in the statement's one's place.
"""

from __future__ import annotations

import os

from . import thesaurus_de
from .text import _fold

#: the first part both compounds share: at least this many letters ("Mode", "Klima")
MIN_FIRST_PART = 4
#: each compound's own last part: at least this many letters ("Firma"), so that an inflection
#: ending is no last part
MIN_LAST_PART = 4


def synonym_compound(word: str, said: list[str]) -> bool:
    """Is German ``word`` a compound of one of the words ``said`` with its last part swapped for an
    OpenThesaurus synonym of that word's last part?"""

    w = _fold(word)
    for s in {_fold(x) for x in said}:
        shared = len(os.path.commonprefix([w, s]))
        rest_w, rest_s = w[shared:], s[shared:]
        if shared < MIN_FIRST_PART or min(len(rest_w), len(rest_s)) < MIN_LAST_PART:
            continue
        heads = set(thesaurus_de.headwords(rest_s))
        if thesaurus_de.synonyms(rest_w) & heads:
            return True
    return False
