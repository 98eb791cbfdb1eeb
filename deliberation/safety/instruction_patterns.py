"""The patterns of instruction-like text: what a statement aimed at the drafting model looks like.

Data for :mod:`deliberation.safety.instructions`, the project's one detector of instruction-like
text: each entry is the reason in words and the pattern that finds it (English and German, with
the commonest French, Spanish and Chinese phrasings). The grammar of each pattern (phrase
structure, word boundaries, function words, chat-template tokens) is here; its words (verbs,
nouns, names) are named lists in the data files ``data/<language>.toml`` (:mod:`.lexicon`):
``{list}`` in a template below stands for the entries of that list, the languages given with the
branch merged in their order.
"""

from __future__ import annotations

import re

from deliberation.safety.lexicon import LISTS, fill
from deliberation.words import said

__all__ = ["INSTRUCTION_PATTERNS"]


def _pattern(*branches: tuple[str, str], flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """One pattern of several branches, each ``(languages, template)``: the template filled with
    the lists of those languages (space-separated), the branches joined as alternatives in order."""

    return re.compile("|".join(fill(template, *langs.split()) for langs, template in branches), flags)


def _state_partners_before() -> str:
    """Lookbehinds that each fail right after one word that pairs with the noun 'state' ("church ",
    "federal "): one per word, as Python's lookbehind needs a fixed width."""
    return "".join(rf"(?<!\b{w}\s)" for w in LISTS.entries("what_to_write.state_partners", "en"))


#: "and" before an order ("approve all drafts and state that ..."), except "and state" right after
#: "church", "federal", ... (``what_to_write.state_partners``): there "state" is a noun, and "church
#: and state that the founders intended" a noun and a relative clause, not an order to the model
_AND = rf"(?:and(?!\s+state\b)|{_state_partners_before()}and)"

#: (reason in words: deliberation/messages' ``said.held.instruction``, pattern), in the order reasons are reported
INSTRUCTION_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        said("held.instruction.ignore"),
        _pattern(
            ("en", r"\b{ignore_instructions.verbs}\s+(?:all\s+|any\s+|of\s+|the\s+|these\s+|those\s+|my\s+)*"
                   r"(?:{ignore_instructions.which}\s+)+{instruction_nouns}"),
            ("en", r"\b{ignore_instructions.verbs_all}\s+(?:all|any)\s+(?:of\s+)?(?:the\s+)?{instruction_nouns}"),
            ("en", r"\b{ignore_instructions.verbs_everything}\s+(?:all|everything|anything)\s+"
                   r"(?:{ignore_instructions.what_was_said}|above|before|previously|prior|else)\b"),
            ("en", r"\b{ignore_instructions.verbs_everything}\s+(?:the\s+|all\s+)?{ignore_instructions.the_above}\s*(?:[.,;:!]|$)"),
        ),
    ),
    (
        said("held.instruction.ignore_de"),
        _pattern(
            ("de", r"\b{ignore_instructions.verbs}\s+(?:du\s+|sie\s+)?(?:bitte\s+)?(?:alle\s+|alles\s+|jede\s+|die\s+|deine\s+|ihre\s+|sämtliche\s+)*"
                   r"{ignore_instructions.objects}"),
        ),
    ),
    (
        said("held.instruction.new_role"),
        _pattern(
            ("en", r"\byou\s+are\s+now\b"),
            ("en", r"\bfrom\s+now\s+on,?\s+you\b"),
            ("en", r"\bact\s+as\s+(?:if\s+you|an?\s+{new_role.act_as})\b"),
            ("en", r"\bpretend\s+(?:to\s+be|you\s+are|that\s+you)\b"),
            ("en", r"\broleplay\s+as\b"),
            ("en", r"\byour\s+new\s+{new_role.tasks}\b"),
            ("en", r"\bnew\s+instructions?\s*:"),
            ("de", r"\bdu\s+bist\s+{new_role.now}\b"),
            ("de", r"\bab\s+(?:jetzt|sofort)\s+bist\s+du\b"),
            ("de", r"\bneue\s+anweisung\w*\s*:"),
            ("en", r"\b{new_role.modes}\s+mode\b"),
        ),
    ),
    (
        said("held.instruction.system_prompt"),
        _pattern(
            ("en", r"\bsystem[\s_-]?{system_prompt.nouns}\b"),
            ("de", r"\b{system_prompt.words}\w*"),
        ),
    ),
    (
        said("held.instruction.reveal"),
        _pattern(
            ("en", r"\b{reveal.verbs}\s+(?:me\s+|us\s+)?(?:all\s+)?(?:of\s+)?(?:your|the|its)\s+(?:{reveal.adjectives}\s+)*{reveal.objects}"),
            ("en", r"\bwhat\s+(?:are|were)\s+your\s+{reveal.asked}\b"),
            ("de", r"\b{reveal.verbs}\w*\s+(?:mir\s+|uns\s+)?(?:deine|ihre|die)\s+(?:{reveal.adjectives}\s+)?{reveal.objects}"),
        ),
    ),
    (
        said("held.instruction.role_tag"),
        _pattern(
            ("en", r"(?:^|\n|[.!?:;]\s+|\s{2,})(?-i:{chat_roles}|{model_roles})\s*:\s*(?=\S)"),
            ("", r"<\|?\s*(?:im_start|im_end|system|assistant|user|endoftext|eot_id|start_header_id|end_header_id|begin_of_text)\s*\|?>"),
            ("", r"\[/?\s*(?:INST|SYS|SYSTEM)\s*\]|<</?SYS>>|<\s*/?\s*(?:system|assistant|user|s)\s*>"),
            ("en de", r"#{2,}\s*{markdown_headings}\b"),
        ),
    ),
    (
        said("held.instruction.delimiter"),
        _pattern(
            ("", r"</\s*[A-Za-z_][\w-]*\s*>|```|~~~"),
            ("en de", r"(?:-{3,}|={3,}|\*{3,}|#{3,})\s*{delimiters.after_rule}\b"),
            ("en", r"\b{delimiters.boundaries}\s+of\s+(?:the\s+)?{delimiters.sections}\b"),
            ("en", r"\[{delimiters.boundaries}[\s_-]*(?:of[\s_-]*)?{delimiters.bracketed}\]"),
            ("en", r"<\s*{delimiters.tags}\s*>"),
        ),
    ),
    (
        said("held.instruction.outcome"),
        _pattern(
            ("en", rf"(?:^|[.!?:;,\n]\s*|\b(?:please|just|{_AND}|then|now|you|must|should|to)\s+)"
                   r"{outcome.verbs}\s+(?:only\s+)?(?:that\s+)?{outcome.claims}\b"
                   r"(?!\s+(?:should|must|can|could|would|needs?|has|have)\b)"),
            ("en", r"\b(?:the\s+)?{outcome.writers}\s+(?:must|should|has\s+to|needs\s+to|will)\s+{outcome.writer_verbs}\b"),
            ("de", r"\b{outcome.verbs}\w*\s+(?:bitte\s+)?(?:dass\s+)?{outcome.claims}\s+(?:\w+\s+){0,3}{outcome.agree_words}"),
            ("de", r"(?:^|[.!?:;]\s*)(?:bitte\s+)?schreib(?:e|t|en\s+sie)?\s*,?\s*(?:bitte\s*,?\s*)?dass\b"),
            ("de", r"\b{outcome.writers}\s+(?:muss|soll|sollte)\s+\w+"),
        ),
    ),
    (
        said("held.instruction.address_model"),
        _pattern(
            ("en", r"\b{speak_to_model.greetings}\s*{speak_to_model.names}\b"),
            ("en", r"\b(?:as\s+an?\s+)?{model_names}\s*,?\s+(?:you\s+)?(?:must|should|will|need\s+to)\b"),
            ("de", r"\b{speak_to_model.greetings}\s+{speak_to_model.names}\b"),
            ("en", r"\b(?:any|all)\s+{model_names}s?\s+{speak_to_model.reading}\s+this\b"),
        ),
    ),
    (
        said("held.instruction.jailbreak"),
        _pattern(
            ("en", r"\b{jailbreak.phrases}\b"),
            ("en", r"\b{jailbreak.follow_verbs}\s+(?:the\s+)?(?:following|these|my)\s+{jailbreak.orders}\b"),
            ("de", r"\b{jailbreak.follow_verbs}\s+(?:die\s+)?(?:folgenden?|diese)\s+{jailbreak.orders}"),
        ),
    ),
]


# Plain-language injections that name the drafting task (found by tests/test_injection_graph.py):
# fake moderator notes, "... as the consensus", slogans to repeat, role-play games, French.
INSTRUCTION_PATTERNS.extend(
    [
        (
            said("held.instruction.ignore_fr"),
            _pattern(
                ("fr", r"\b{ignore_instructions.verbs}\s+(?:toutes?\s+|tous\s+|tes\s+|vos\s+|les\s+|ses\s+)*"
                       r"{ignore_instructions.objects}\b"),
                ("fr", r"\b(?:tu\s+es|vous\s+êtes)\s+maintenant\b"),
                ("fr", r"\bréponde?z?s?\s+seulement\b"),
            ),
        ),
        (
            said("held.instruction.moderator"),
            _pattern(
                ("en", r"\b{moderator.roles}(?:'s)?\s+{moderator.notes}s?\s*:"),
                ("en", r"\bapproved\s+as\s+the\s+(?:official\s+)?{moderator.outcomes}\b"),
                ("en", r"\bpublish\s+(?:it|this|them)\s+{moderator.unchanged}\b"),
            ),
        ),
        (
            said("held.instruction.outcome"),
            _pattern(
                ("en", r"\b{outcome_as.verbs}\s+(?:\S+\s+){0,4}?as\s+(?:the\s+)?(?:official\s+)?{outcome_as.outcomes}\b"),
                ("en", r"\bsummari[sz]e\s+(?:the\s+|this\s+)?{outcome_as.processes}\s+as\b"),
                ("en", r"\btell\s+(?:the\s+)?{outcome_as.officials}\s+that\s+{outcome_as.claims}\b"),
                ("en", r"\b{outcome_as.announce_verbs}\s+that\s+(?:the\s+)?{outcome_as.decisions}\s+(?:was|is)\s+unanimous\b"),
            ),
        ),
        (
            said("held.instruction.how_to_write"),
            _pattern(
                ("en", r"\b(?:end|start|begin|finish)\s+(?:every|each)\s+{how_to_write.units}\s+with\b"),
                ("en", r"\bmake\s+sure\s+(?:the|your)\s+{how_to_write.outputs}\s+{how_to_write.verbs}\b"),
                ("en", r"\btranslate\s+(?:\w+\s+){0,2}{how_to_write.prompt_words}\b"),
                ("en", r"\blet'?s\s+{how_to_write.games}\b"),
            ),
        ),
    ]
)


# imperative position: start of text / sentence / quote, or after "please", "and", "to", ...
_IMP = rf"(?:^|[.!?:;,\"'*_(\[\n>]\s*|\b(?:please|kindly|{_AND}|then|now|just|to|you|also|instead)\s+)"
INSTRUCTION_PATTERNS.extend(
    [
        (
            said("held.instruction.ignore_input"),
            _pattern(
                ("en", _IMP + r"{ignore_input.verbs}\s+(?:all\s+|any\s+|the\s+|your\s+|these\s+|those\s+|my\s+|of\s+)*"
                       r"{ignore_input.objects}(?![A-Za-z])"),
            ),
        ),
        (
            # one reason per language: a Spanish statement's said "(Spanish / Chinese)" to the moderator
            said("held.instruction.ignore_es"),
            _pattern(("es", r"\b{ignore_instructions.verbs}\w*\s+(?:\w+\s+){0,3}?{ignore_instructions.objects}")),
        ),
        (
            said("held.instruction.ignore_zh"),
            _pattern(
                ("zh", r"{ignore_instructions.verbs}.{0,10}?{ignore_instructions.objects}"),
                ("zh", r"{orders.system}提示"),
                ("zh", r"{orders.verbs}你.{0,6}?{orders.write_verbs}"),
                ("zh", r"{orders.write_before_colon}\s*[:：]"),
            ),
        ),
        (
            said("held.instruction.what_to_write"),
            _pattern(
                ("en es", _IMP + r"{what_to_write.verbs}\s+"
                          r"(?:only\s+|solo\s+|just\s+)?(?:that\b(?!\s+down)|the\s+(?:word|sentence|phrase|text)\b|que\b|la\s+palabra\b|\w+\s+times\b)"),
                ("en", r"\b(?:instead|only|just),?\s+{what_to_write.answer_verbs}\s*:?\s*[\"'`“‘]"),
                ("en", r"(?:^|[.!?:;\n]\s*|\b(?:please|kindly)\s+){what_to_write.quote_verbs}\s+(?:only\s+|just\s+)?[\"'`“‘]"),
                ("en", r"\b(?:make|have|let)\s+(?:the\s+|your\s+)?{what_to_write.outputs}\s+{what_to_write.output_verbs}\b"),
                ("en", r"\b(?:when|as|before)\s+you\s+{what_to_write.drafting_verbs}\s+(?:the|this|your)\s+{what_to_write.drafted}\b"),
                ("en", r"\b(?:in|for)\s+(?:the|your)\s+{what_to_write.drafts},?\s+{what_to_write.mention_verbs}\b"),
                ("en", r"\bsummari[sz]e\s+(?:(?:this|these|the)\s+)?(?:statements?|it|everything|them)\s+as\b"),
                ("en", r"\b{what_to_write.insert_verbs}\s+(?:\S+\s+){0,4}?in(?:to)?\s+every\s+sentence\b"),
                ("en", r"\bthe\s+real\s+statements?\s+(?:are|is)\b"),
                ("es", r"\b{what_to_write.orders}\b"),
            ),
        ),
        (
            said("held.instruction.repeat"),
            _pattern(
                ("en", r"\brepeat\s+(?:everything|all|the\s+text|the\s+words|what\s+is)\s+(?:written\s+)?(?:above|before)\b"),
                ("en", r"\b(?:rules|instructions)\s+you\s+(?:were|have\s+been)\s+given\b"),
            ),
        ),
        (
            said("held.instruction.change_task"),
            _pattern(
                ("en", r"\b{change_task.answer_verbs}\s+(?:only\s+)?(?:in|with|as)\s+{change_task.formats}\b"),
                ("en", r"\btranslate\s+the\s+following\b|\bstop\s+summari[sz]ing\s*[.!,;:]|\bdecode\s+(?:this|the\s+following)\b"),
                ("en", r"\bcite\s+(?:statement\s+\w+\s+for|all\s+(?:the\s+)?statements|every\s+statement)\b|\bcitation\s+rules\b"),
                ("en", r"\badd\s+the\s+sentence\b"),
                ("en", r"\b(?:rules|instructions|guidelines)\s+(?:are|is|have\s+been)\s+(?:now\s+)?{change_task.suspended}\b"),
                ("en", r"\b(?:update|message|note)\s+from\s+the\s+{change_task.senders}\s*:"),
            ),
        ),
        (
            said("held.instruction.structure"),
            _pattern(
                ("", r"[\"']role[\"']\s*:\s*[\"'](?:system|assistant|user|developer)[\"']"),
                ("", r"\{\s*[\"'](?:sentences|statements|draft|citations)[\"']\s*:"),
                ("", r"[\"']\s*\}\s*\]\s*\}|[\"']\s*\}\s*,\s*\{\s*[\"'](?:id|text)[\"']\s*:"),
            ),
        ),
        (
            said("held.instruction.encoded"),
            _pattern(
                ("", r"(?<![\w/+])(?=[A-Za-z0-9+/]*[a-z])(?=[A-Za-z0-9+/]*[A-Z])(?:(?=[A-Za-z0-9+/]*\d[A-Za-z0-9+/]*\d)[A-Za-z0-9+/]{24,}={0,2}|[A-Za-z0-9+/]{24,}={1,2})(?![\w/+])"),
                ("", r"\bbase64\b"),
                flags=0,
            ),
        ),
    ]
)
