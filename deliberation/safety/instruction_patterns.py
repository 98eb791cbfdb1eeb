"""The patterns of instruction-like text: what a statement aimed at the drafting model looks like.

Data for :mod:`deliberation.safety.instructions`, the project's one detector of instruction-like
text: each entry is the reason in words and the pattern that finds it (English and German, with
the commonest French, Spanish and Chinese phrasings).
"""

from __future__ import annotations

import re

__all__ = ["INSTRUCTION_PATTERNS"]

_INSTR = r"(?:instructions?|prompts?|directions?|rules?|guidelines?|commands?|context|messages?|orders?|constraints?|guardrails?)"
#: (reason in words, pattern), in the order reasons are reported
INSTRUCTION_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "asks the model to ignore its instructions",
        re.compile(
            r"\b(?:ignore|disregard|forget|override|overrule|bypass|neglect)\s+(?:all\s+|any\s+|of\s+|the\s+|these\s+|those\s+|my\s+)*"
            r"(?:(?:your|previous|prior|above|earlier|preceding|foregoing|former|original|initial|system|safety)\s+)+" + _INSTR
            + r"|\b(?:ignore|disregard|forget|override|bypass)\s+(?:all|any)\s+(?:of\s+)?(?:the\s+)?" + _INSTR
            + r"|\b(?:ignore|disregard|forget)\s+(?:all|everything|anything)\s+(?:(?:you\s+(?:were|have\s+been|was)\s+told|that\s+was\s+said|i\s+said)|above|before|previously|prior|else)\b"
            + r"|\b(?:ignore|disregard|forget)\s+(?:the\s+|all\s+)?(?:above|previous|preceding|foregoing)\s*(?:[.,;:!]|$)",
            re.IGNORECASE,
        ),
    ),
    (
        "asks the model to ignore its instructions (German)",
        re.compile(
            r"\b(?:ignorier\w*|vergiss|vergessen\s+sie|missacht\w*|überschreib\w*|umgeh\w*)\s+(?:du\s+|sie\s+)?(?:bitte\s+)?(?:alle\s+|alles\s+|jede\s+|die\s+|deine\s+|ihre\s+|sämtliche\s+)*"
            r"(?:vorherige\w*|bisherige\w*|obige\w*|vorigen|früher\w*|ursprünglich\w*|anweisung\w*|instruktion\w*|befehl\w*|regeln|vorgaben|systemprompt\w*|was\s+(?:dir|ihnen)\s+gesagt)",
            re.IGNORECASE,
        ),
    ),
    (
        "tries to give the model a new role",
        re.compile(
            r"\byou\s+are\s+now\b|\bfrom\s+now\s+on,?\s+you\b|\bact\s+as\s+(?:if\s+you|an?\s+(?:ai|assistant|chatbot|language\s+model|unrestricted|unfiltered|different|new))\b|\bpretend\s+(?:to\s+be|you\s+are|that\s+you)\b|"
            r"\broleplay\s+as\b|\byour\s+new\s+(?:role|task|instructions?|job|goal)\b|\bnew\s+instructions?\s*:|"
            r"\bdu\s+bist\s+(?:jetzt|ab\s+sofort|nun)\b|\bab\s+(?:jetzt|sofort)\s+bist\s+du\b|\bneue\s+anweisung\w*\s*:|"
            r"\b(?:developer|dan|jailbreak|god)\s+mode\b",
            re.IGNORECASE,
        ),
    ),
    (
        "mentions the system prompt",
        re.compile(r"\bsystem[\s_-]?(?:prompt|message|instructions?)\b|\bsystemprompt\w*|\bsystemanweisung\w*", re.IGNORECASE),
    ),
    (
        "asks the model to reveal its instructions",
        re.compile(
            r"\b(?:reveal|show|print|repeat|output|display|tell\s+me|give\s+me|leak|dump|share|write\s+out|paste)\s+(?:me\s+|us\s+)?"
            r"(?:all\s+)?(?:of\s+)?(?:your|the|its)\s+(?:hidden\s+|secret\s+|initial\s+|original\s+|full\s+|exact\s+|internal\s+)*"
            r"(?:instructions?|prompts?|rules|guidelines|configuration|context|system\s+\w+)"
            r"|\bwhat\s+(?:are|were)\s+your\s+(?:instructions|rules|guidelines)\b"
            r"|\b(?:zeig|nenn|verrat|gib|wiederhol)\w*\s+(?:mir\s+|uns\s+)?(?:deine|ihre|die)\s+(?:geheimen\s+|ursprünglichen\s+)?(?:anweisung\w*|instruktion\w*|regeln|vorgaben|prompt\w*)",
            re.IGNORECASE,
        ),
    ),
    (
        "contains a chat role tag",
        re.compile(
            r"(?:^|\n|[.!?:;]\s+|\s{2,})(?-i:SYSTEM|System|ASSISTANT|Assistant|USER|User|HUMAN|Human|AI|BOT|Bot|DEVELOPER|Developer|MODEL|Model)\s*:\s*(?=\S)|"
            r"<\|?\s*(?:im_start|im_end|system|assistant|user|endoftext|eot_id|start_header_id|end_header_id|begin_of_text)\s*\|?>|"
            r"\[/?\s*(?:INST|SYS|SYSTEM)\s*\]|<</?SYS>>|<\s*/?\s*(?:system|assistant|user|s)\s*>|"
            r"#{2,}\s*(?:instruction|instructions|system|response|input|output|assistant|user|task|anweisung)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "contains a prompt delimiter or fake closing tag",
        re.compile(
            r"</\s*[A-Za-z_][\w-]*\s*>|```|~~~|"
            r"(?:-{3,}|={3,}|\*{3,}|#{3,})\s*(?:end|begin|start|new|stop|ende|neue)\b|"
            r"\b(?:end|begin|start)\s+of\s+(?:the\s+)?(?:statements?|input|prompt|context|instructions?|data|conversation|document|text)\b|"
            r"\[(?:end|begin|start)[\s_-]*(?:of[\s_-]*)?(?:statements?|input|prompt|context|instructions?)\]|"
            r"<\s*(?:statements?|statement_\w+|input|context|instructions?|prompt|document|data)\s*>",
            re.IGNORECASE,
        ),
    ),
    (
        "dictates the outcome of the summary",
        re.compile(
            r"(?:^|[.!?:;,\n]\s*|\b(?:please|just|and|then|now|you|must|should|to)\s+)"
            r"(?:write|say|state|report|claim|conclude|summari[sz]e|output|answer|respond|declare|pretend)\s+(?:only\s+)?(?:that\s+)?"
            r"(?:everyone|everybody|all\s+(?:participants|residents|groups|people)|the\s+majority|nobody|no\s*one|there\s+is\s+(?:a\s+)?(?:consensus|agreement))\b"
            r"(?!\s+(?:should|must|can|could|would|needs?|has|have)\b)"
            r"|\b(?:the\s+)?(?:summary|draft|consensus\s+statement|output|report|ai|model|assistant|agent)\s+(?:must|should|has\s+to|needs\s+to|will)\s+"
            r"(?:say|state|conclude|claim|include|mention|report|declare|show|be\s+written)\b"
            r"|\b(?:schreib|sag|behaupt|fass)\w*\s+(?:bitte\s+)?(?:dass\s+)?(?:alle|jeder|niemand|die\s+mehrheit)\s+(?:\w+\s+){0,3}(?:einig|zustimm|dafür|dagegen)"
            r"|(?:^|[.!?:;]\s*)(?:bitte\s+)?schreib(?:e|t|en\s+sie)?\s*,?\s*(?:bitte\s*,?\s*)?dass\b"
            r"|\b(?:zusammenfassung|entwurf|ausgabe)\s+(?:muss|soll|sollte)\s+\w+",
            re.IGNORECASE,
        ),
    ),
    (
        "addresses the AI model directly",
        re.compile(
            r"\b(?:dear|hey|hi|attention|note\s+to\s+(?:the)?)\s*(?:ai|llm|chatgpt|gpt|language\s+model|assistant|bot|summari[sz]er)\b"
            r"|\b(?:as\s+an?\s+)?(?:ai|llm|language\s+model)\s*,?\s+(?:you\s+)?(?:must|should|will|need\s+to)\b"
            r"|\b(?:liebe|lieber|hallo|achtung)\s+(?:ki|ai|chatgpt|sprachmodell|assistent)\b"
            r"|\b(?:any|all)\s+(?:ai|llm|language\s+model)s?\s+(?:reading|processing|summari[sz]ing)\s+this\b",
            re.IGNORECASE,
        ),
    ),
    (
        "contains a jailbreak / override phrase",
        re.compile(
            r"\b(?:jailbreak|prompt\s+injection|do\s+anything\s+now|override\s+(?:code|mode|protocol))\b"
            r"|\b(?:execute|run|follow)\s+(?:the\s+)?(?:following|these|my)\s+(?:instructions|commands|steps)\b"
            r"|\b(?:befolge|führe)\s+(?:die\s+)?(?:folgenden?|diese)\s+(?:anweisung\w*|befehl\w*)",
            re.IGNORECASE,
        ),
    ),
]


# Plain-language injections that name the drafting task (found by tests/test_injection_graph.py):
# fake moderator notes, "... as the consensus", slogans to repeat, role-play games, French.
INSTRUCTION_PATTERNS.extend(
    [
        (
            "asks the model to ignore its instructions (French)",
            re.compile(
                r"\b(?:ignore[zr]?|oublie[zr]?|oubliez)\s+(?:toutes?\s+|tous\s+|tes\s+|vos\s+|les\s+|ses\s+)*"
                r"(?:instructions|règles|consignes|directives)\b|\b(?:tu\s+es|vous\s+êtes)\s+maintenant\b"
                r"|\bréponde?z?s?\s+seulement\b",
                re.IGNORECASE,
            ),
        ),
        (
            "poses as the moderator",
            re.compile(
                r"\b(?:moderator|admin(?:istrator)?|organiser|organizer)(?:'s)?\s+(?:note|notice|override|instruction)s?\s*:"
                r"|\bapproved\s+as\s+the\s+(?:official\s+)?(?:consensus|result|outcome)\b"
                r"|\bpublish\s+(?:it|this|them)\s+(?:unchanged|as\s+it\s+is|verbatim|word\s+for\s+word)\b",
                re.IGNORECASE,
            ),
        ),
        (
            "dictates the outcome of the summary",
            re.compile(
                r"\b(?:write|put|use|publish|record|list|enter|present|report)\s+(?:\S+\s+){0,4}?as\s+(?:the\s+)?"
                r"(?:official\s+)?(?:consensus|result|outcome|summary|conclusion)\b"
                r"|\bsummari[sz]e\s+(?:the\s+|this\s+)?(?:consultation|discussion|results?|debate|conversation|process)\s+as\b"
                r"|\btell\s+(?:the\s+)?(?:council|mayor|moderators?|authorities|officials)\s+that\s+"
                r"(?:every\s+single|everyone|everybody|all\s+(?:\w+\s+)?(?:residents|participants|people)|nobody|no\s*one)\b"
                r"|\b(?:announce|declare|report|state)\s+that\s+(?:the\s+)?(?:decision|vote|result|outcome|consultation)\s+"
                r"(?:was|is)\s+unanimous\b",
                re.IGNORECASE,
            ),
        ),
        (
            "tells the model how to write",
            re.compile(
                r"\b(?:end|start|begin|finish)\s+(?:every|each)\s+(?:sentence|line|paragraph|statement|answer)\s+with\b"
                r"|\bmake\s+sure\s+(?:the|your)\s+(?:summary|draft|report|output|consensus)\s+(?:uses|includes|contains|says|quotes|mentions)\b"
                r"|\btranslate\s+(?:\w+\s+){0,2}(?:instructions|prompt|rules)\b"
                r"|\blet'?s\s+(?:play\s+a\s+game|pretend|role-?play)\b",
                re.IGNORECASE,
            ),
        ),
    ]
)


# imperative position: start of text / sentence / quote, or after "please", "and", "to", ...
_IMP = r"(?:^|[.!?:;,\"'*_(\[\n>]\s*|\b(?:please|kindly|and|then|now|just|to|you|also|instead)\s+)"
INSTRUCTION_PATTERNS.extend(
    [
        (
            "asks the model to ignore its input or rules",
            re.compile(
                _IMP + r"(?:ignore|disregard|forget|override|bypass|skip)\s+(?:all\s+|any\s+|the\s+|your\s+|these\s+|those\s+|my\s+|of\s+)*"
                r"(?:above|previous|prior|earlier|preceding|rules?|statements?|data|text|context|instructions?|prompts?|guidelines|everything|system|input)(?![A-Za-z])",
                re.IGNORECASE,
            ),
        ),
        (
            "asks the model to ignore its instructions (Spanish / Chinese)",
            re.compile(
                r"\b(?:ignora|olvida|omite|descarta|ignorar|olvidar)\w*\s+(?:\w+\s+){0,3}?(?:instrucciones|reglas|indicaciones|anteriores)"
                r"|(?:忽略|無視|无视|忘記|忘记|忘掉).{0,10}?(?:指令|指示|提示|規則|规则|設定|设定)"
                r"|(?:系統|系统)提示|(?:命令|要求|指示)你.{0,6}?(?:寫|写|輸出|输出|說|说)|(?:寫|写|輸出|输出)\s*[:：]",
                re.IGNORECASE,
            ),
        ),
        (
            "tells the model what to write",
            re.compile(
                _IMP + r"(?:write|say|mention|state|include|add|output|print|respond|reply|answer|insert|escribe|escribir)\s+"
                r"(?:only\s+|solo\s+|just\s+)?(?:that\b(?!\s+down)|the\s+(?:word|sentence|phrase|text)\b|que\b|la\s+palabra\b|\w+\s+times\b)"
                r"|\b(?:instead|only|just),?\s+(?:write|say|output|print|respond|reply|answer)\s*:?\s*[\"'`“‘]"
                r"|(?:^|[.!?:;\n]\s*|\b(?:please|kindly)\s+)(?:write|output|print)\s+(?:only\s+|just\s+)?[\"'`“‘]"
                r"|\b(?:make|have|let)\s+(?:the\s+|your\s+)?(?:summary|draft|output|report|consensus|answer|response)\s+(?:say|state|mention|include|show|read)\b"
                r"|\b(?:when|as|before)\s+you\s+(?:write|draft|summari[sz]e|compose)\s+(?:the|this|your)\s+(?:summary|draft|consensus|report|output|answer|response)\b"
                r"|\b(?:in|for)\s+(?:the|your)\s+(?:summary|draft|consensus\s+statement),?\s+(?:mention|say|write|state|include)\b"
                r"|\bsummari[sz]e\s+(?:(?:this|these|the)\s+)?(?:statements?|it|everything|them)\s+as\b"
                r"|\b(?:include|use|put|add|mention|write|insert)\s+(?:\S+\s+){0,4}?in(?:to)?\s+every\s+sentence\b|\bthe\s+real\s+statements?\s+(?:are|is)\b"
                r"|\b(?:como\s+moderador|te\s+ordeno)\b",
                re.IGNORECASE,
            ),
        ),
        (
            "asks the model to repeat or reveal its prompt",
            re.compile(
                r"\brepeat\s+(?:everything|all|the\s+text|the\s+words|what\s+is)\s+(?:written\s+)?(?:above|before)\b"
                r"|\b(?:rules|instructions)\s+you\s+(?:were|have\s+been)\s+given\b",
                re.IGNORECASE,
            ),
        ),
        (
            "tries to change the task or the citation rules",
            re.compile(
                r"\b(?:respond|reply|answer|output)\s+(?:only\s+)?(?:in|with|as)\s+(?:json|yaml|xml|code|markdown)\b"
                r"|\btranslate\s+the\s+following\b|\bstop\s+summari[sz]ing\s*[.!,;:]|\bdecode\s+(?:this|the\s+following)\b"
                r"|\bcite\s+(?:statement\s+\w+\s+for|all\s+(?:the\s+)?statements|every\s+statement)\b|\bcitation\s+rules\b"
                r"|\badd\s+the\s+sentence\b|\b(?:rules|instructions|guidelines)\s+(?:are|is|have\s+been)\s+(?:now\s+)?(?:suspended|lifted|void|cancelled|canceled|overridden|changed)\b"
                r"|\b(?:update|message|note)\s+from\s+the\s+(?:developers|admins?|system|operators?)\s*:",
                re.IGNORECASE,
            ),
        ),
        (
            "contains prompt or JSON structure",
            re.compile(
                r"[\"']role[\"']\s*:\s*[\"'](?:system|assistant|user|developer)[\"']"
                r"|\{\s*[\"'](?:sentences|statements|draft|citations)[\"']\s*:"
                r"|[\"']\s*\}\s*\]\s*\}|[\"']\s*\}\s*,\s*\{\s*[\"'](?:id|text)[\"']\s*:",
                re.IGNORECASE,
            ),
        ),
        (
            "contains an encoded payload",
            re.compile(
                r"(?<![\w/+])(?=[A-Za-z0-9+/]*[a-z])(?=[A-Za-z0-9+/]*[A-Z])(?:(?=[A-Za-z0-9+/]*\d[A-Za-z0-9+/]*\d)[A-Za-z0-9+/]{24,}={0,2}|[A-Za-z0-9+/]{24,}={1,2})(?![\w/+])"
                r"|\bbase64\b"
            ),
        ),
    ]
)
