"""Text of statements in any language: language detection and words (one home for both).

:mod:`deliberation.text.languages` tells which language a statement is in (Lingua, offline);
:mod:`deliberation.text.terms` splits statements into words or, for Chinese and Japanese, character
pairs, and knows each language's stop words.
:mod:`deliberation.text.german` reads German word forms (a participle's infinitive, an inflected
adjective's base, the forms a word may be an inflection of) for the faithfulness guard.
"""

from deliberation.text.languages import (
    LANGUAGES,
    UNDETERMINED,
    detect_language,
    detect_languages,
    language_name,
    main_language,
)
from deliberation.text.terms import extract_terms, stop_words

__all__ = [
    "LANGUAGES",
    "UNDETERMINED",
    "detect_language",
    "detect_languages",
    "language_name",
    "main_language",
    "extract_terms",
    "stop_words",
]
