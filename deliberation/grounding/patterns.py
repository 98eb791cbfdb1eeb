"""Phrase patterns of the guard (English and German grammar, not vocabulary): negators,
quantifier and consensus claims, causal links, clause boundaries, titles and place words."""

from __future__ import annotations

import re

from .lexicon import CJK_NEGATORS as _CJK_NEGATORS  # noqa: F401  (re-exported for polarity)
from .lexicon import CJK_NOT_NEGATION as _CJK_NOT_NEGATION  # noqa: F401

_NEGATORS = re.compile(
    r"^(?:not|no|never|none|nobody|nothing|neither|nor|cannot|can't|won't|don't|doesn't|didn't|isn't|aren't|wasn't|"
    r"weren't|shouldn't|wouldn't|mustn't|needn't|hasn't|haven't|without|kein|keine|keinen|keinem|keiner|keines|nicht|"
    r"nie|niemals|niemand|ohne|nichts|unless)$",
    re.I,
)
_FAIL_TO = re.compile(r"^(?:fail|fails|failed|failing|refuse|refuses|refused|refusing|neglect|neglects|neglected|neglecting|verweiger\w*|unterlass\w*)$", re.I)
# phrases in which a negator does not negate the stance
_NEG_IDIOMS = re.compile(
    r"\b(?:not\s+only|not\s+just|no\s+matter|nothing\s+but|no\s+doubt|without\s+doubt|costs?\s+nothing|"
    r"nicht\s+nur|ohne\s+zweifel)",
    re.I,
)
# "routes that nobody uses": a negator inside a relative clause describes the
# thing, it does not negate the stance (but "say that no one should" does)
_REL_NEG = re.compile(r"\b([\w']+)\s+(?:that|which|who|where|den|die|das)\s+(?:nobody|no\s+one|niemand|keiner)\b", re.I)
_SPEECH_VERBS = {
    "say", "says", "said", "think", "thinks", "thought", "believe", "believes", "argue", "argues", "argued",
    "feel", "feels", "felt", "agree", "agrees", "insist", "insists", "suggest", "suggests", "stress", "stresses",
    "claim", "claims", "note", "notes", "is", "was", "sure", "ensure", "ensures", "make", "clear", "know", "hope",
    "hopes", "warn", "warns", "add", "adds", "point", "points", "out", "wish", "wishes", "demand", "demands",
}
#: German adjective endings (reparierbar-e, wichtig-en, gründlich-er, ...): a capitalised first word
#: with one of them is no noun
_DE_ADJECTIVE = re.compile(r"(?:bar|ig|lich|isch|los|sam|haft|iv|ell)(?:e|en|er|es|em)?$", re.I)
_TOO = re.compile(r"^(?:too|zu|overly|excessively)$", re.I)

#: the words for the people of a consultation that the quantifier claims below count
_PEOPLE = r"participants|residents|people|respondents|commenters|voters|citizens|members|groups"
_QUANTIFIER_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # (label, pattern); a claim is supported when the same pattern matches a cited statement
    ("everyone", re.compile(r"\b(?:(?:everyone|everybody)(?:\s+(?:here\s+)?(?:agrees|wants|supports|opposes|thinks|believes|likes|says|is\s+in\s+favou?r))?|all\s+of\s+(?:them|us|the\s+participants)|jeder|jede|alle(?:\s+teilnehmenden)?\s+(?:sind|wollen|fordern|wünschen|stimmen|unterstützen|befürworten))\b", re.I)),
    ("all_group", re.compile(rf"\ball\s+(?:the\s+)?(?:{_PEOPLE}|sides|neighbours|neighbors|parents|drivers|cyclists)\b|\b(?:every|each)\s+(?:participant|resident|group|side|respondent|voter|citizen|member)\b|\balle\s+(?:teilnehmenden|teilnehmer\w*|bürger\w*|gruppen|seiten|anwohner\w*)\b", re.I)),
    ("nobody", re.compile(r"\b(?:nobody|no\s+one|no-one|no\s+participant|none\s+of\s+the\s+participants|niemand)\s+(?:\w+\s+)?(?:wants?|disagrees?|opposes?|objects?|supports?|likes?|thinks?|believes?|will|would|is|was|can|could|should|will)\b", re.I)),
    ("majority", re.compile(rf"\b(?:the\s+)?(?:vast\s+|clear\s+|overwhelming\s+|large\s+|great\s+)?majority\b|\bmost\s+(?:of\s+the\s+)?(?:{_PEOPLE})\b|\bdie\s+(?:große\s+)?mehrheit\b|\bdie\s+meisten\b|\bmehrheitlich\b", re.I)),
    ("consensus", re.compile(r"\b(?:consensus|unanimous\w*|overwhelming(?:ly)?|(?:broad|general|wide|widespread|strong|clear|common)\s+(?:agreement|support|consensus)|widely\s+(?:agreed|supported|shared|accepted)|agree\s+unanimously|konsens|einstimmig\w*|(?:sind|waren)\s+sich\s+(?:\w+\s+)?einig|breite\s+zustimmung)\b", re.I)),
    ("agreement", re.compile(r"\b(?:participants|residents|people|they|we|everyone|everybody|all|groups|both\s+(?:groups|sides))\s+(?:all\s+|broadly\s+|generally\s+|largely\s+|strongly\s+|clearly\s+)?agree[sd]?\b|\b(?:teilnehmenden|alle|beide\s+seiten)\s+(?:\w+\s+)?(?:stimmen\s+(?:\w+\s+)?(?:zu|überein)|einig)\b", re.I)),
]
_PLURAL_QUANT = re.compile(
    r"\b(?:several|many|numerous|multiple|various|a\s+number\s+of|a\s+lot\s+of|lots\s+of|plenty\s+of|both|mehrere|viele|zahlreiche|beide)\s+(?:of\s+the\s+)?"
    rf"(?:{_PEOPLE}|sides|statements|comments|teilnehmende\w*|teilnehmer\w*|bürger\w*|gruppen|seiten|personen|menschen)\b",
    re.I,
)

_CAUSAL = re.compile(
    r"\b(?:because(?:\s+of)?|since|as\s+a\s+result(?:\s+of)?|so\s+that|therefore|thus|thereby|which\s+would|which\s+will|"
    r"in\s+order\s+to|so\s+as\s+to|paid\s+for\s+by|funded\s+by|financed\s+by|in\s+exchange\s+for|"
    r"to\s+(?:protect|pay|fund|finance|make\s+room|free\s+up|save)|weil|damit|deshalb|daher|wodurch|finanziert\s+durch)\b",
    re.I,
)
_ELABORATION = re.compile(
    r",\s*(?:which|who|where|as|since|because|so)\b(?:\s+(?:would|will|could|already|also|is|are))?|\s+(?:because|since|so\s+that|in\s+order\s+to|which\s+would|which\s+will|as\s+a\s+result|thereby|weil|damit|wodurch)\b|,\s*(?:was|die|der|das|weil|wodurch)\b",
    re.I,
)
_CONTRAST = re.compile(
    r"\s*(?:;|,?\s+(?:while|whereas|but|although|though|however|yet|while\s+others|whilst)\b|,\s+(?:and\s+)?(?:others|some|one|another|many|a\s+few|several|während|wohingegen|aber|jedoch|andere|einige|manche|sondern)\b|\s+(?:während|wohingegen|aber|jedoch|sondern)\b)\s*",
    re.I,
)
_LIST_SEP = re.compile(r"\s*(?:,|:|\band\b|\bor\b|\bas\s+well\s+as\b|\bplus\b|\bund\b|\boder\b|\bsowie\b)\s*", re.I)

_COUNT_NOUNS = re.compile(
    r"^(?:participants?|residents?|people|persons?|respondents?|commenters?|statements?|comments?|voices?|groups?|sides?|"
    r"teilnehmende\w*|teilnehmer\w*|personen|stimmen|gruppen)$",
    re.I,
)
_TITLES = re.compile(
    r"^(?:mayor|councillor|councilor|council\s*member|minister|senator|governor|president|chair|chairman|chairwoman|"
    r"commissioner|director|manager|officer|ranger|professor|prof|dr|mr|mrs|ms|sir|dame|lord|lady|judge|"
    r"bürgermeister\w*|stadtrat|stadträtin|gemeinderat|gemeinderätin|minister\w*|herr|frau|direktor\w*|landeshauptmann|landesrat)\.?$",
    re.I,
)
_PLACE_WORDS = re.compile(
    r"^(?:road|rd|street|st|avenue|ave|lane|ln|square|sq|park|gardens?|station|bridge|hill|green|common|market|"
    r"place|way|close|drive|boulevard|quay|wharf|estate|district|village|town|city|county|heights|"
    r"\w*straße|\w*strasse|\w*gasse|\w*platz|\w*weg|\w*allee|\w*park|\w*bahnhof|\w*viertel|\w*dorf)$",
    re.I,
)
_ALWAYS_CAPITALISED_OK = {"i", "uber", "airbnb", "lyft"}
