"""Question analysis: what a question asks for (its answer type) and what it is about (its
focus), the one reading of a question that retrieval, answerability and the extractive
answerer share.

Every rule here is about English questions in general: wh-words, auxiliaries, prepositions,
verbs of saying. Nothing names an entity or a phrase of any corpus or eval set. The answer
type is read in ``answer_types``, the dates a question asks about in ``question_dates``.
Names are found case-insensitively: a word is a name when the question capitalises it or
when the passages write it capitalised (``Casing``), so "what did lavrov say about china?"
reads like the capitalised question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from ingest.dates import TimeMention, time_mentions
from service.grounding.answer_types import (
    AUX,
    CATEGORY_NOUNS,
    NUMBER_NOUNS,
    SPEECH,
    SUBJECT,
    WH_WORDS,
    AnswerType,
    answer_type,
    counted_noun,
    role_noun,
)
from service.grounding.mentions import Casing, names
from service.grounding.question_dates import LATEST, DateScope, date_scope
from service.text import REPORTING, STOPWORDS, fold, stem, words

_MODAL = frozenset("do does did will would can could should shall may might must".split())
_TOPIC = re.compile(
    r"\b(?:about|regarding|concerning|on the (?:subject|issue|question) of|on)\s+(.+)$"
)
_WH_CLAUSE = re.compile(
    r"(?:^|,\s*)((?:in |on |at |for |by |from |of )?"
    r"(?:who|whom|whose|what|which|when|where|why|how)\b.*)$"
)


@dataclass(frozen=True)
class Question:
    """One question, read: its answer type and its focus."""

    text: str
    answer_type: AnswerType
    names: tuple[str, ...] = ()
    speaker: str | None = None
    topic: tuple[str, ...] = ()
    counted: str | None = None  # its stem, for matching
    counted_word: str | None = None  # as the question writes it, for reasons
    verb: str | None = None
    event: tuple[str, ...] = ()
    times: tuple[TimeMention, ...] = ()
    scope: DateScope | None = None
    head: str | None = None
    content: tuple[str, ...] = field(default=(), repr=False)

    @property
    def focus(self) -> str:
        """The focus in words, for reasons: names, counted noun, topic words."""
        parts = [*self.names]
        if self.counted_word:
            parts.append(self.counted_word)
        parts += [w for w in self.topic if w not in parts]
        return ", ".join(parts) or self.text


def analyse(question: str, today: date | None = None, casing: Casing | None = None) -> Question:
    """Read ``question``; ``casing`` (from the passages) finds names typed in lower case,
    ``today`` resolves 'last year'."""
    text = " ".join(question.strip().split())
    lowered = fold(text).rstrip(" ?.!")
    lowered = re.sub(r"^(?:and|but|so|also|then)\s+", "", lowered)
    # "Since 2024, what has ..." and "According to X, who ...": the type is in the wh-clause.
    clause = _WH_CLAUSE.search(lowered)
    found = _names(text, casing)
    kind, head = answer_type(clause.group(1) if clause else lowered, found)
    times = tuple(t for t in time_mentions(text) if t.relative is None or t.year)
    counted_word = None
    if kind == "number":
        # 'how many X'; or the measure a number question names ('what was Tesla's revenue').
        counted_word = counted_noun(lowered) or (head if head and head in NUMBER_NOUNS else None)
    counted = stem(counted_word) if counted_word else None
    speaker = _speaker(lowered, found) if kind == "statement" else None
    topic = _topic(lowered, found)
    verb = _verb(lowered, kind, found)
    name_words = {w for n in found for w in words(n)}
    type_words = {"how", "many", "much", "long", "old", "far"} | ({head} if head else set())
    content = tuple(dict.fromkeys(stem(w) for w in words(text) if _content(w)))
    skip = {stem(w) for w in name_words | type_words} | ({counted} if counted else set())
    skip |= {stem(w) for t in time_mentions(text) for w in words(t.text)}
    skip |= {stem(w) for w in words(" ".join(LATEST.findall(fold(text))))}
    skip |= {stem(w) for w in SPEECH.findall(fold(text))}
    event = tuple(s for s in content if s not in skip)
    return Question(
        text=text,
        answer_type=kind,
        names=tuple(found),
        speaker=speaker,
        topic=topic,
        counted=counted,
        counted_word=counted_word,
        verb=verb,
        event=event,
        times=times,
        scope=date_scope(text, today or date.today()),
        head=head,
        content=content,
    )


def with_casing(question: Question, casing: Casing, today: date | None = None) -> Question:
    """The same question read again with the passages' casing (names in lower case)."""
    again = analyse(question.text, today, casing)
    return replace(again, scope=question.scope)


def _content(word: str) -> bool:
    return word not in STOPWORDS and word not in REPORTING and word not in AUX and len(word) > 1


def _names(text: str, casing: Casing | None) -> list[str]:
    found = [_bare(n.text) for n in names(text, casing) if _is_name(n.text)]
    if casing is not None:
        # Words the passages write as names, typed here in lower case.
        run: list[str] = []
        for word in re.findall(r"[^\W_][\w'’.-]*", text):
            bare = word.rstrip(".").removesuffix("'s").removesuffix("’s")
            if (
                word[0].islower()
                and fold(bare) not in STOPWORDS
                and fold(bare) not in CATEGORY_NOUNS
                and casing.proper(bare)
                and not casing.inflected(bare)
            ):
                run.append(bare)
                continue
            if run:
                found.append(" ".join(run))
                run = []
        if run:
            found.append(" ".join(run))
    out: list[str] = []
    for name in found:
        if not any(fold(name) == fold(o) for o in out):
            out.append(name)
    return out


def _bare(name: str) -> str:
    return re.sub(r"['’]s$", "", name)


# Words that open a question as prepositions or adverbs ('According to X, ...', 'Besides
# arming Ukraine, ...'), capitalised only because they come first.
_OPENING_WORDS = frozenset(
    "according regarding concerning following given besides despite apart aside".split()
)


def _is_name(name: str) -> bool:
    """Not a wh-word, not a word that opens a question as a preposition ('According'), and
    not a quarter of a year ('Q2'), which is a time."""
    folded = fold(name)
    return (
        folded not in WH_WORDS
        and folded not in _OPENING_WORDS
        and not re.fullmatch(r"[Qq][1-4]", name)
    )


def _speaker(q: str, found: list[str]) -> str | None:
    """Whose statement is asked for: the subject of the verb of saying ('what did X say'),
    which may be a role ('the mayor'); else the name after 'according to', else the first
    name of the question."""
    clause = re.search(r"(?:^|,\s*)((?:what|how)\b.*)$", q)
    subject = SUBJECT.search(clause.group(1)) if clause else None
    if subject:
        phrase = subject.group(1)
        for name in found:
            if phrase.endswith(fold(name)) or phrase.endswith(fold(name) + "'s"):
                return name
        words_ = [w for w in phrase.split() if w not in STOPWORDS]
        return words_[-1] if words_ else None  # a pronoun: condensing resolves it
    according = re.search(r"\baccording to (.+?)(?:,|$)", q)
    candidates = [n for n in found if according and fold(n) in according.group(1)]
    if candidates:
        return candidates[0]
    return found[0] if found else None


def _topic(q: str, found: list[str]) -> tuple[str, ...]:
    """Content stems of what the question is about ('... about China', '... on NATO')."""
    match = _TOPIC.search(q)
    if not match or match.start() == 0 or re.match(r"(?:on|in) (?:what|which)\b", match.group(0)):
        return ()
    # A second question joined on ('..., and how did Lavrov respond?') is not the topic.
    topic = re.split(r",|\band (?:how|what|why|when|where|who|did|does)\b", match.group(1))[0]
    return tuple(dict.fromkeys(stem(w) for w in words(topic) if _content(w)))


_IRREGULAR_PAST = frozenset(
    "won wrote led made took gave bought sold built founded ran beat began became chose held "
    "paid lost met sent told left kept brought".split()
)
# Verbs of state or attitude: their paraphrases are many ('want' ~ 'insist'), so their
# words are not required in an answering sentence.
_STATIVE = frozenset(
    stem(w)
    for w in "want need demand think believe expect hope fear know like prefer wish mean seem "
    "feel consider view regard have be do get".split()
)


_ADVERBS = frozenset(
    "first also ever never still already again finally just once then last actually".split()
)


def _verb(q: str, answer_type: AnswerType, found: list[str]) -> str | None:
    """The stem of the question's main verb when its place is clear: 'who would command',
    'who leaked', 'how many ... were killed', 'what plan did Kellogg present'. None when
    unsure, or when it is a verb of state ('want', 'think') or of saying."""
    verb = _verb_word(q, answer_type, found)
    if verb is None or verb in STOPWORDS or SPEECH.fullmatch(verb):
        return None
    stemmed = stem(verb)
    return None if stemmed in _STATIVE else stemmed


def _verb_word(q: str, answer_type: AnswerType, found: list[str]) -> str | None:
    tokens = re.findall(r"[\w'’.-]+", q)
    if len(tokens) < 2:
        return None
    names_folded = {w for n in found for w in fold(n).split()}
    if tokens[0] in ("who", "what", "which") and answer_type in ("person", "organisation"):
        second = tokens[1]
        if second in _MODAL and len(tokens) > 2 and tokens[2] not in names_folded:
            return tokens[2]
        if (second.endswith("ed") or second in _IRREGULAR_PAST) and second not in AUX:
            return second
    # "what|which|when ... did|does|will <named subject> <verb>": the word after a subject
    # made of names ('what plan did Kellogg present', 'when did Putin and Trump first talk').
    for i, token in enumerate(tokens[:-1]):
        if token not in _MODAL or tokens[0] not in ("what", "which", "when", "where", "why"):
            continue
        j = i + 1
        while j < len(tokens) and (tokens[j] in names_folded or tokens[j] in ("and", "the")):
            j += 1
        if j == i + 1 or tokens[j - 1] not in names_folded:
            break
        # A role after the names is still the subject ('the State Department spokesman').
        while j < len(tokens) - 1 and role_noun(tokens[j]):
            j += 1
        while j < len(tokens) and (tokens[j] in _ADVERBS or tokens[j].endswith("ly")):
            j += 1
        after = tokens[j + 2] if j + 2 < len(tokens) and tokens[j + 1] == "to" else None
        light = j < len(tokens) and stem(tokens[j]) not in _STATIVE  # not 'want to end'
        if after and light and after not in STOPWORDS and after not in names_folded:
            return after  # 'did Russia move to absorb': the verb after 'to', not 'to the'
        if j < len(tokens):
            return tokens[j]
        break
    passive = re.search(r"\b(?:was|were|is|are|been|be)\s+(\w+ed|\w{4,}en)\b", q)
    return passive.group(1) if passive else None


def past_tense(question: Question) -> bool:
    """Whether the question asks about something done ('what did X propose', 'who was
    appointed'), not about a possibility ('would Russia refuse ... if one were proposed')."""
    folded = fold(question.text)
    if re.search(r"\b(?:would|could|will|might|if)\b", folded):
        return False
    return bool(re.search(r"\bdid\b|^(?:[\w'’-]+\s+){0,3}(?:was|were|had)\b", folded))


# ---- keyword expansion ------------------------------------------------------------------

_CONDITIONS = re.compile(
    r"\b(pre)?conditions?\b|\bdemands?\b|\bterms\b|\brequire|\bwants?\b|\bposition\b|"
    r"\bstance\b|\bprerequisites?\b",
    re.I,
)


def asks_conditions(question: Question) -> bool:
    """Whether the question asks for conditions, demands or a position."""
    return bool(_CONDITIONS.search(question.text))


def keyword_expansion(question: Question) -> str:
    """Words a sentence answering this kind of question tends to use, for the keyword
    query: the language of demands for conditions, of causes for 'why'."""
    extra = []
    if asks_conditions(question):
        extra.append("should must want insist demand condition require")
    if question.answer_type == "reason":
        extra.append("because reason due")
    return " ".join(extra)


# ---- dates in questions -----------------------------------------------------------------
