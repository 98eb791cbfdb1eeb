"""The guard's checks: one small function per check, each taking the sentence context and
returning the :class:`Problem` s it finds (an empty list when the sentence passes it)."""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from deliberation.text.german import ADJECTIVE_INFLECTIONS

from ..safety.instructions import instruction_reasons
from ..wording import inflect
from ..words import percent
from . import thesaurus_de
from . import wordnet as wn
from .entities import _entities, _entity_missing_words
from .lexicon import CONDITION, INCLUDING, STOP_WORDS, alternation, entries, table
from .models import GroundingConfig, TextEncoder
from .patterns import (_CAUSAL, _COUNT_NOUNS, _CONTRAST, _ELABORATION, _LIST_SEP, _PLURAL_QUANT, _QUANTIFIER_PATTERNS,
                       is_negator_word)
from .polarity import _Clause, _clauses
from .problems import Problem, ProblemKind
from .reports import in_report
from .spelling import corrects_typo, misspelt
from .text import _CJK, _Tok, _content_set, _fold, _numbers, _tokenize, _word_canon


@dataclass(frozen=True)
class _Source:
    id: str
    text: str
    toks: list[_Tok]
    content: set[str]
    numbers: set[float]
    units: list[tuple[_Clause, _Clause]]
    """(clause, its sentence) pairs, plus (sentence, sentence) for multi-clause sentences."""
    vec: np.ndarray | None = None


def _fmt_ids(ids: Sequence[str]) -> str:
    ids = list(ids)
    if len(ids) == 1:
        return f"statement {ids[0]}"
    return "statements " + ", ".join(ids)


def _fmt_num(v: float) -> str:
    if abs(v - round(v)) < 1e-9:
        return str(int(round(v)))
    return f"{v:g}"


def _coverage(words: set[str], src: set[str]) -> float:
    return len(words & src) / len(words) if words else 0.0


class _Embeddings:
    """Caches embeddings of the texts of one check."""

    def __init__(self, encoder: TextEncoder | None):
        self.encoder = encoder
        self.cache: dict[str, np.ndarray] = {}

    def add(self, texts: Iterable[str]) -> None:
        if self.encoder is None:
            return
        todo = sorted({t for t in texts if t and t not in self.cache})
        if not todo:
            return
        vecs = np.asarray(self.encoder.encode(todo), dtype=np.float32)
        if vecs.ndim != 2 or vecs.shape[0] != len(todo):
            raise ValueError(f"encoder returned shape {vecs.shape} for {len(todo)} texts")
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        vecs = vecs / np.where(norms == 0, 1.0, norms)
        for t, v in zip(todo, vecs):
            self.cache[t] = v

    def cos(self, a: str, b: str) -> float | None:
        if self.encoder is None or a not in self.cache or b not in self.cache:
            return None
        return float(self.cache[a] @ self.cache[b])


def _content_words_with_surface(toks: list[_Tok]) -> dict[str, str]:
    out: dict[str, str] = {}
    for t in toks:
        if t.content and not _CJK.match(t.raw) and not t.raw[0].isdigit() and t.canon not in out:
            out[t.canon] = t.raw
    return out



#: words that end a list without naming an item ("und Ähnliches"), said by a statement's own list end
#: (one of list_end_marks: "usw.", "o. dgl.")
_LIST_END_WORDS = frozenset(w.lower() for w in entries("list_end_words"))
_LIST_END_MARKS = frozenset(w.lower() for w in entries("list_end_marks"))


@dataclass
class SentenceContext:
    """Everything the checks need to know about one draft sentence and its cited statements."""

    text: str
    toks: list[_Tok]
    content: set[str]
    lang: str
    cited_ids: list[str]
    cited: list[_Source]
    emb: _Embeddings
    cfg: GroundingConfig
    union: set[str] = field(default_factory=set)
    covs: dict[str, float] = field(default_factory=dict)
    sims: dict[str, float | None] = field(default_factory=dict)
    best: str = ""
    best_sim: float | None = None
    found: list[Problem] = field(default_factory=list)
    """Problems found by the checks that ran before (some checks skip what another reported)."""
    before: str = ""
    """The draft's sentences before this one: what the draft has said already (a restriction said
    there still holds: "... equity in public schools. We need to fight for integration.")."""
    _novel: dict[str, str] | None = None
    _union_cov: float | None = None

    def __post_init__(self) -> None:
        self.union = set().union(*(s.content for s in self.cited))
        self.covs = {s.id: _coverage(self.content, s.content) for s in self.cited}
        self.sims = {s.id: self.emb.cos(self.text, s.text) for s in self.cited}
        self.best = max(self.cited, key=lambda s: self.covs[s.id] + (self.sims[s.id] or 0.0)).id
        self.best_sim = max((v for v in self.sims.values() if v is not None), default=None)

    @property
    def union_cov(self) -> float:
        """Share of the sentence's content words the cited statements say: shared, or said in another
        form or with a synonym (WordNet, OpenThesaurus: looked up on first use only)."""
        if self._union_cov is None:
            said = (self.content & self.union) | _lexically_supported(self.content, self.toks, self.cited,
                                                                      self.union, self.lang)
            self._union_cov = len(said) / len(self.content) if self.content else 0.0
        return self._union_cov

    @property
    def relevant(self) -> bool:
        """The sentence is about what the cited statements say (by words, or by similarity)."""
        return self.union_cov >= self.cfg.min_relevance_overlap or (
            self.best_sim is not None and self.best_sim >= self.cfg.min_relevance_similarity
        )

    @property
    def who(self) -> str:
        return _fmt_ids(self.cited_ids)

    @property
    def does(self) -> str:
        return inflect(len(self.cited_ids), "does", "do")

    def has(self, *kinds: ProblemKind) -> bool:
        return any(p.kind in kinds for p in self.found)

    def restates(self, sentence) -> bool:
        """Does this draft sentence say at least ``min_alignment_words`` and ``min_scope_overlap`` of the
        content words of statement sentence ``sentence`` (a ``_Clause``)?"""
        shared = len(sentence.content & self.content)
        return bool(sentence.content) and shared >= self.cfg.min_alignment_words \
            and shared / len(sentence.content) >= self.cfg.min_scope_overlap

    @property
    def novel(self) -> dict[str, str]:
        """Content words of the sentence that no cited statement supports (canon -> surface)."""
        if self._novel is None:
            skip = {self.toks[idx].canon for _, _, idx in _numbers(self.text, self.toks)}
            # the words of a connector ("as long as", "for example") are grammar, not content
            spans = [m.span() for m in CONDITION.finditer(self.text)] + [m.span() for m in INCLUDING.finditer(self.text)]
            skip |= {t.canon for t in self.toks if any(a <= t.start < b for a, b in spans)}
            if any(t.raw.lower() in _LIST_END_MARKS for src in self.cited for t in src.toks):
                skip |= {t.canon for t in self.toks if t.raw.lower() in _LIST_END_WORDS}  # "usw." as "und Ähnliches"
            for src in self.cited:  # "SMB" said as "small and medium businesses", or the other way round
                skip |= _acronym_words(self.toks, src.toks) | _acronym_words(src.toks, self.toks, spelled=False)
            self._novel = _unsupported_words(self.toks, self.cited, self.union, self.emb, self.cfg, skip=skip,
                                             lang=self.lang)
        return self._novel


#: an acronym is a word of this many capital letters (a plural "s" may follow: "SMBs")
ACRONYM_LETTERS = (2, 6)


def _acronyms(toks: list[_Tok]) -> list[_Tok]:
    lo, hi = ACRONYM_LETTERS
    return [t for t in toks if t.raw.rstrip("s").isalpha() and t.raw.rstrip("s").isupper()
            and lo <= len(t.raw.rstrip("s")) <= hi]


def _acronym_words(toks: list[_Tok], other: list[_Tok], spelled: bool = True) -> set[str]:
    """Where the content words of ``toks`` spell an acronym of ``other`` by their first letters
    ("small and medium businesses" for "SMB"; function words between them skipped): the canonical
    forms of those words (``spelled``), else those of the acronyms they spell."""

    words = [t for t in toks if t.content]
    initials = "".join(t.raw[0].lower() for t in words)
    out: set[str] = set()
    for acro in _acronyms(other):
        letters = acro.raw.rstrip("s").lower()
        at = initials.find(letters)
        if at >= 0:
            out |= {t.canon for t in words[at:at + len(letters)]} if spelled else {acro.canon}
    return out


def check_instruction(ctx: SentenceContext) -> list[Problem]:
    injected = instruction_reasons(ctx.text)
    if not injected:
        return []
    return [Problem(ProblemKind.INSTRUCTION,
                    "is an instruction to the model, not a view of the participants (" + injected[0] + ")",
                    {"flag": injected[0]})]


def check_relevance(ctx: SentenceContext) -> list[Problem]:
    if not ctx.content or ctx.relevant:
        return []
    sim_txt = f", best similarity {ctx.best_sim:.2f}" if ctx.best_sim is not None else ""
    return [Problem(
        ProblemKind.IRRELEVANT,
        f"cites nothing relevant: only {percent(ctx.union_cov)} of its content words appear in cited {ctx.who}{sim_txt}",
        {"statements": ctx.cited_ids, "overlap": ctx.union_cov, "similarity": ctx.best_sim},
    )]


#: ordinal words that count speakers ("a third" participant) and the count each stands for
_SPEAKER_ORDINALS: dict[str, int] = table("speaker_ordinals")
#: the word after a fraction ("a third of residents"): then it is a share, not a speaker
_SHARE_OF = frozenset(entries("share_of_words"))
#: a word before the ordinal that makes it the last of an enumeration of speakers ("another")
_SPEAKER_ENUMERATION = frozenset(entries("speaker_enumeration_words"))


def check_numbers(ctx: SentenceContext) -> list[Problem]:
    src_numbers: set[float] = set().union(*(s.numbers for s in ctx.cited))
    bad: list[str] = []
    for surface, val, idx in _numbers(ctx.text, ctx.toks):
        if round(val, 4) in src_numbers:
            continue
        nxt = ctx.toks[idx + 1].raw if idx + 1 < len(ctx.toks) else ""
        if _COUNT_NOUNS.match(nxt) and val == len(ctx.cited_ids):
            continue  # "two participants" citing two statements
        ordinal = _SPEAKER_ORDINALS.get(surface.lower(), 0)
        if 0 < ordinal <= len(ctx.cited_ids) and nxt.lower() not in _SHARE_OF \
                and any(t.raw.lower() in _SPEAKER_ENUMERATION for t in ctx.toks[:idx]):
            continue  # "one ..., another ..., and a third ..." citing three statements
        bad.append(surface)
    if not bad:
        return []
    quoted = "', '".join(bad)
    return [Problem(ProblemKind.ADDED_NUMBER,
                    f"adds the {inflect(len(bad), 'number')} '{quoted}' not found in cited {ctx.who}",
                    {"statements": ctx.cited_ids, "numbers": bad})]


def check_entities(ctx: SentenceContext) -> list[Problem]:
    source_words = {_fold(t.raw) for src in ctx.cited for t in src.toks}
    bad = [f"{kind} '{surface}'" for surface, kind in _entities(ctx.text, ctx.toks, ctx.lang)
           if _entity_missing_words(surface, ctx.union, source_words, ctx.lang,
                                    {t.raw for src in ctx.cited for t in src.toks})]
    if not bad:
        return []
    return [Problem(ProblemKind.ADDED_ENTITY, f"adds the {', '.join(bad)} not found in cited {ctx.who}",
                    {"statements": ctx.cited_ids, "entities": bad})]


def check_quantifiers(ctx: SentenceContext) -> list[Problem]:
    out: list[Problem] = []
    for label, pat in _QUANTIFIER_PATTERNS:
        m = pat.search(ctx.text)
        if m and ctx.lang == "de" and _before_adjective_and_noun(ctx.text[m.end():]):
            m = None  # "jeder zusätzliche Urlaubstag": a determiner of a noun, no claim about the participants
        if not m or any(_claims(pat, src.text) or (label == "nobody" and _negates_any_person(src, ctx.content))
                        for src in ctx.cited):
            continue  # no claim, or the statement itself makes the same claim
        out.append(Problem(
            ProblemKind.CONSENSUS_CLAIM,
            f"claims '{m.group(0).strip()}', but {ctx.who} {ctx.does} not say that; "
            "agreement or majority claims need support in the statements",
            {"statements": ctx.cited_ids, "claim": label},
        ))
        break
    m = _PLURAL_QUANT.search(ctx.text)
    if m and len(ctx.cited_ids) < ctx.cfg.min_statements_for_plural and not any(
        _claims(_PLURAL_QUANT, src.text) for src in ctx.cited
    ):
        out.append(Problem(ProblemKind.PLURAL_CLAIM, f"says '{m.group(0)}' but cites only {ctx.who}",
                           {"statements": ctx.cited_ids}))
    return out


#: German adjective inflections ("zusätzlich-e", "neu-en"): a lower-case word with one, not a function
#: word, between a determiner and a capitalised word is an adjective of that noun
_DE_INFLECTIONS = ADJECTIVE_INFLECTIONS


def _before_adjective_and_noun(after: str) -> bool:
    """Does German text ``after`` (what follows "jeder" / "jede") open with an inflected adjective
    and a noun ("zusätzliche Urlaubstag", "neue Spielkonsole"), so that "jeder" is the determiner of
    that noun, not "everyone" ("jeder solle Steuern zahlen": "solle" is a function word)?"""

    toks = _tokenize(after)[:2]
    return (len(toks) == 2 and toks[0].raw.islower() and toks[0].raw.lower() not in STOP_WORDS
            and toks[0].raw.lower().endswith(_DE_INFLECTIONS) and toks[1].raw[:1].isupper())


#: words for "any person" ("anyone", "jemanden"): negated, they say "nobody"
_ANY_PERSON = frozenset(w.lower() for w in entries("any_person_words"))
#: a negator at most this many words before an any_person_words word negates it ("should not
#: release anyone", "will not ever blame anybody")
ANY_PERSON_REACH = 4
#: punctuation that ends the clause of a negated "anyone"
_CLAUSE_BREAK = re.compile(r"[,.;:!?()]")


def _negates_any_person(src: _Source, said: set[str]) -> bool:
    """Does a statement say "nobody" with another negator: "not" or "never" before "anyone" ("should not
    release anyone from responsibility" = "no one should be released")? Only when the draft keeps the
    rest of that clause (its words after "anyone", in ``said``): "should not charge anyone with a
    disability for parking" does not say "no one should be charged for parking"."""

    toks = src.toks
    for k, t in enumerate(toks):
        if t.raw.lower() in _ANY_PERSON and any(is_negator_word(b.raw) for b in toks[max(0, k - ANY_PERSON_REACH):k]) \
                and not in_report(src.text, t.start):  # "I do not know anyone who ...": the speaker's experience
            end = next((j for j in range(k + 1, len(toks)) if _CLAUSE_BREAK.search(src.text[toks[j - 1].end:toks[j].start])),
                       len(toks))
            if all(u.canon in said for u in toks[k + 1:end] if u.content):
                return True
    return False


def check_merge(ctx: SentenceContext) -> list[Problem]:
    if len(ctx.cited) < 2:
        return []
    return _merge_check(ctx.text, ctx.cited, ctx.cfg)


def check_added_content(ctx: SentenceContext) -> list[Problem]:
    """Unsupported content words; else an added reason or consequence ("..., which would also ...")."""

    if not ctx.relevant:
        return []
    novel = ctx.novel
    n_content = max(1, len(_content_words_with_surface(ctx.toks)))
    paraphrase = ctx.best_sim is not None and ctx.best_sim >= ctx.cfg.paraphrase_similarity
    if len(novel) > ctx.cfg.max_new_content_words and len(novel) / n_content > ctx.cfg.max_new_content_ratio and not paraphrase:
        words = "', '".join(sorted(novel.values(), key=str.lower))
        return [Problem(ProblemKind.ADDED_CONTENT, f"adds content not found in cited {ctx.who}: '{words}'",
                        {"statements": ctx.cited_ids, "words": sorted(novel.values(), key=str.lower)})]
    m = _ELABORATION.search(ctx.text)
    if not m or ctx.has(ProblemKind.LINKED, ProblemKind.FUSED):
        return []
    tail = ctx.text[m.end():]
    tail_words = _content_words_with_surface(_tokenize(tail))
    tail_novel = {c: w for c, w in tail_words.items() if c in novel}
    if len(tail_novel) >= ctx.cfg.min_new_words_in_addition and len(tail_novel) / max(1, len(tail_words)) >= 0.5:
        words = "', '".join(sorted(tail_novel.values(), key=str.lower))
        return [Problem(
            ProblemKind.ADDED_REASON,
            f"adds a reason or consequence ('{m.group(0).strip(' ,')} {tail.strip()[:60]}') that {ctx.who} "
            f"{ctx.does} not give: '{words}'",
            {"statements": ctx.cited_ids, "words": sorted(tail_novel.values(), key=str.lower)},
        )]
    return []


def check_list_items(ctx: SentenceContext) -> list[Problem]:
    """A list item made only of unsupported words ("..., a bench and a ticket machine")."""

    if not ctx.relevant or ctx.has(ProblemKind.ADDED_CONTENT):
        return []
    for part in _LIST_SEP.split(ctx.text)[1:]:  # the first part is the frame, not an added item
        part_words = _content_words_with_surface(_tokenize(part))
        if len(part_words) >= ctx.cfg.min_new_words_in_addition and all(c in ctx.novel for c in part_words):
            item = part.strip(" .,;:")
            return [Problem(ProblemKind.ADDED_ITEM, f"adds '{item}', which {ctx.who} {ctx.does} not mention",
                            {"statements": ctx.cited_ids, "item": item})]
    return []


#: two words with a common beginning are one word in two forms ("licensing" ~ "licence") when both
#: have at least MIN_PREFIX_LETTERS letters and they share that many, and at least MIN_PREFIX_SHARE of
#: the shorter one (not "Plastikflaschen" ~ "Plastiksackerl")
MIN_PREFIX_LETTERS = 5
MIN_PREFIX_SHARE = 0.7
#: one word inside another is a compound of it ("Sommerhitze" ~ "Hitze"): the outer word has at
#: least MIN_COMPOUND_OUTER letters, the inner one at least MIN_COMPOUND_INNER
MIN_COMPOUND_OUTER, MIN_COMPOUND_INNER = 6, 5
#: a long compound (at least MIN_LONG_COMPOUND letters) that starts or ends with a word of at least
#: MIN_COMPOUND_PART letters is a compound of that word ("Radwegenetz" ~ "Radweg")
MIN_LONG_COMPOUND, MIN_COMPOUND_PART = 8, 4


def _shared_prefix(a: str, b: str) -> int:
    """How many letters ``a`` and ``b`` share at the start."""

    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _spelled_alike(c: str, union: set[str]) -> bool:
    """Is word ``c`` another form of a word of ``union``: a long common beginning ("autofreie" ~
    "autofrei", "licensing" ~ "licence"), one word inside the other (compounds: "Sommerhitze" ~
    "Sommer", "Hitze") or a misspelling of it? (Canonical forms, or folded forms on both sides.)"""

    if len(c) >= MIN_PREFIX_LETTERS and any(
            len(u) >= MIN_PREFIX_LETTERS
            and _shared_prefix(c, u) >= max(MIN_PREFIX_LETTERS, MIN_PREFIX_SHARE * min(len(c), len(u)))
            for u in union):
        return True
    if len(c) >= MIN_COMPOUND_OUTER and any(c in u or u in c for u in union if len(u) >= MIN_COMPOUND_INNER):
        return True
    if len(c) >= MIN_LONG_COMPOUND and any(c.startswith(u) or c.endswith(u) for u in union if len(u) >= MIN_COMPOUND_PART):
        return True
    return any(misspelt(c, u) for u in union)


def _source_surfaces(cited: list[_Source]) -> list[str]:
    """The content words of the cited statements as written (for WordNet and the encoder)."""

    return sorted({t.raw for s in cited for k, t in enumerate(s.toks)
                   if t.content and not t.raw[0].isdigit() and not (k and t.raw[:1].isupper())})


def _said_by_wordnet(word: str, src_words: list[str]) -> bool:
    """Does a content word of the cited statements say ``word``: its synonym, a form derived from
    it, or ``word`` naming it more generally (WordNet, :func:`.wordnet.supports`)?"""

    return wn.wordnet() is not None and word.isascii() and any(wn.says(sw, word) for sw in src_words)


@lru_cache(maxsize=wn.LOOKUP_CACHE_SIZE)
def _thesaurus_canons(word: str, broader: bool) -> frozenset[str]:
    """The canonical forms of the German synonyms of ``word`` (and its broader terms when asked)."""

    return frozenset(_word_canon(w) for w in thesaurus_de.synonyms(word, broader))


def _said_by_thesaurus(c: str, word: str, union: set[str], src_words: list[str]) -> bool:
    """German: is ``word`` (canonical form ``c``) a synonym of a word of the cited statements, or
    its broader term (OpenThesaurus, :mod:`.thesaurus_de`)?"""

    return bool(_thesaurus_canons(word, False) & union) or any(c in _thesaurus_canons(sw, True) for sw in src_words)


def _lexically_supported(content: set[str], toks: list[_Tok], cited: list[_Source], union: set[str],
                         lang: str = "en") -> set[str]:
    """The canonical words of ``content`` the cited statements support without sharing them:
    another form of one of their words, or its synonym or broader term (WordNet; OpenThesaurus
    for German)."""

    surface = _content_words_with_surface(toks)
    src_words = _source_surfaces(cited)
    # the words as written too: a canonical form may hide the stem ("Steuern" is "tax", "steuerlich" is not)
    src_folded = {_fold(t.raw) for s in cited for t in s.toks if t.content}
    src_written = {t.raw for s in cited for t in s.toks if t.content}
    # two words of a statement written as one ("by pass" -> "bypass", "health care" -> "healthcare")
    src_joined = {_fold(a.raw) + _fold(b.raw) for s in cited for a, b in zip(s.toks, s.toks[1:])
                  if s.text[a.end:b.start].strip() in ("", "-")}
    german = lang == "de"
    th_words, th_union = src_words, union
    if german:  # synonyms of the parts of the statements' compounds too ("Ladennetz": "Laden" ~ "Geschäft")
        parts = sorted({p for sw in src_words for p in thesaurus_de.compound_parts(sw)})
        th_words, th_union = src_words + parts, union | {_word_canon(p) for p in parts}
    return {c for c in content - union
            if _spelled_alike(c, union) or (c in surface and (
                _spelled_alike(_fold(surface[c]), src_folded) or _fold(surface[c]) in src_joined
                or any(corrects_typo(surface[c], sw, lang) for sw in src_written)
                or _said_by_wordnet(surface[c], src_words)
                or german and _said_by_thesaurus(c, surface[c], th_union, th_words)))}


def _unsupported_words(
    toks: list[_Tok],
    cited: list[_Source],
    union: set[str],
    emb: _Embeddings,
    cfg: GroundingConfig,
    skip: set[str] = frozenset(),  # type: ignore[assignment]
    lang: str = "en",
) -> dict[str, str]:
    """Content words of a sentence that no cited statement supports (canon -> surface)."""

    novel = {c: w for c, w in _content_words_with_surface(toks).items() if c not in union and c not in skip}
    for c in _lexically_supported(set(novel), toks, cited, union, lang):
        del novel[c]
    if novel and emb.encoder is not None:
        src_words = _source_surfaces(cited)
        emb.add(sorted(set(novel.values())) + src_words)
        for c, w in list(novel.items()):
            if any((emb.cos(w, sw) or 0.0) >= cfg.word_similarity for sw in src_words):
                del novel[c]
    return novel


#: a directive to the model right before a claim ("write that", "SYSTEM:"): the claim is an instruction
_DIRECTIVE_BEFORE = re.compile(
    rf"(?:\b(?:{alternation('directive_verbs')})\b(?:\s+(?:{alternation('directive_fillers')}))*\s*[:,]?\s*"
    r"|\b(?:system|assistant|user)\s*:\s*)$",
    re.I,
)


def _claims(pattern: re.Pattern[str], text: str) -> bool:
    """Does ``text`` itself make the claim ``pattern`` matches?

    A match right after a directive ("write that everyone agrees", "SYSTEM:
    everyone agrees") is an instruction inside a statement, not the
    participant's claim, and does not count.
    """

    for m in pattern.finditer(text):
        if not _DIRECTIVE_BEFORE.search(text[max(0, m.start() - 40) : m.start()]) and not in_report(text, m.start()):
            return True
    return False


def _merge_check(text: str, cited: list[_Source], cfg: GroundingConfig) -> list[Problem]:
    """Detect claims that join two statements in a way neither makes."""

    def best_for(words: set[str]) -> tuple[_Source, float]:
        src = max(cited, key=lambda s: (_coverage(words, s.content), -cited.index(s)))
        return src, _coverage(words, src.content)

    # causal / purpose link between parts drawn from different statements
    for cl in _clauses(text, _CONTRAST):
        m = _CAUSAL.search(cl.text)
        if not m:
            continue
        a_words = _content_set(_tokenize(cl.text[: m.start()]))
        b_words = _content_set(_tokenize(cl.text[m.end() :]))
        if not a_words or not b_words:
            continue
        sa, ca = best_for(a_words)
        sb, cb = best_for(b_words)
        if sa.id == sb.id or ca == 0 or cb == 0:
            continue
        if _coverage(b_words, sa.content) >= 0.5 or _coverage(a_words, sb.content) >= 0.5:
            continue
        connector = m.group(0).lower().split()[0]
        if connector in sa.text.lower() or connector in sb.text.lower():
            # one statement makes this link itself ("... because of Uber")
            if _coverage(a_words | b_words, sa.content | sb.content) and (
                connector in sa.text.lower() and _coverage(b_words, sa.content) > 0
                or connector in sb.text.lower() and _coverage(a_words, sb.content) > 0
            ):
                continue
        return [Problem(
            ProblemKind.LINKED,
            f"links statement {sa.id} and statement {sb.id} with '{m.group(0)}', a connection neither statement makes",
            {"statements": [sa.id, sb.id], "connector": m.group(0)},
        )]
    # one clause fusing distinctive words of two statements ("X replaced by Y")
    for cl in _clauses(text, _CONTRAST):
        for part in _LIST_SEP.split(cl.text):
            words = _content_set(_tokenize(part))
            if len(words) < 3:
                continue
            contributors = []
            for s in cited:
                others = set().union(*(o.content for o in cited if o.id != s.id))
                distinctive = (words & s.content) - others
                if distinctive:
                    contributors.append((s, distinctive))
            if len(contributors) >= 2:
                single = max(_coverage(words, s.content) for s in cited)
                (s1, d1), (s2, d2) = contributors[:2]
                common = _coverage(cl.content, s1.content & s2.content)  # the whole clause: the claim
                if single <= cfg.merge_max_single_coverage and common < cfg.merge_max_common_share:
                    return [Problem(
                        ProblemKind.FUSED,
                        f"fuses statement {s1.id} ('{', '.join(sorted(d1))}') and statement {s2.id} "
                        f"('{', '.join(sorted(d2))}') into one claim that neither makes",
                        {"statements": [s1.id, s2.id]},
                    )]
    return []


# ---------------------------------------------------------------------------
# Reasons for the public report
# ---------------------------------------------------------------------------

