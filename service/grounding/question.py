"""Question analysis: what a question asks for (its answer type) and what it is about (its
focus), the one reading of a question that retrieval, answerability and the extractive
answerer share.

Every rule here is about English questions in general: wh-words, auxiliaries, prepositions,
and the category nouns of "which X" questions ("which country" asks for a place). Nothing
names an entity or a phrase of any corpus or eval set. Names are found case-insensitively:
a word is a name when the question capitalises it or when the passages write it capitalised
(``Casing``), so "what did lavrov say about china?" reads like the capitalised question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Literal

from ingest.dates import TimeMention, month_number, time_mentions
from service.grounding.mentions import Casing, names
from service.text import REPORTING, STOPWORDS, fold, stem, words

AnswerType = Literal[
    "person", "organisation", "entity", "place", "time", "number", "reason", "yesno",
    "statement", "description",
]  # fmt: skip

# Category nouns of "which/what X" questions (and of bare queries such as "... location").
_PERSON_NOUNS = frozenset(
    "person people man woman official officials spokesperson spokesman spokeswoman president "
    "minister leader leaders player players director actor actress singer author writer ceo "
    "chief head founder winner winners champion candidate diplomat envoy general commander "
    "politician lawmaker senator governor mayor chancellor king queen prince coach captain "
    "driver artist scientist journalist reporter judge member members owner manager".split()
)
_ORG_NOUNS = frozenset(
    "company companies firm firms organisation organization organisations organizations agency "
    "magazine newspaper paper network channel outlet broadcaster station team teams party "
    "parties club clubs group band brand bank university school ministry department "
    "government publisher studio label airline".split()
)
_PLACE_NOUNS = frozenset(
    "place places country countries city cities town towns state states region regions venue "
    "venues stadium location locations capital province island continent area district "
    "address site where".split()
)
_TIME_NOUNS = frozenset("day date year month time week decade century season era".split())
# Works and things known by their names: 'which film won', 'what is the name of'.
_NAMED_NOUNS = frozenset(
    "movie movies film films book books novel song songs album show series game games play "
    "opera painting name names title brand product app model ship".split()
)
_NUMBER_NOUNS = frozenset(
    "number amount share percentage percent proportion fraction total figure cost price "
    "revenue revenues profit profits income sales salary budget debt population score "
    "temperature height length weight distance age rate margin value worth capacity speed "
    "toll count tally sum fee fine bill deficit gdp turnout majority".split()
)
_CATEGORY_NOUNS = (
    _PERSON_NOUNS | _ORG_NOUNS | _PLACE_NOUNS | _TIME_NOUNS | _NUMBER_NOUNS | _NAMED_NOUNS
)
_SPEECH = re.compile(
    r"\b(say|said|says|tell|told|state|stated|describe|described|call|called|respond|"
    r"responded|react|reacted|think|thinks|thought|claim|claimed|warn|warned|argue|argued|"
    r"suggest|suggested|comment|commented|mean|meant|announce|announced|characteri[sz]e|"
    r"portray|view|see)\b"
)
_POSITION = re.compile(r"\b(position|stance|view|views|opinion|attitude|reaction|response)\b")
_AUX = frozenset(
    "is are was were be been do does did has have had will would can could should shall may "
    "might must".split()
)
_MODAL = frozenset("do does did will would can could should shall may might must".split())
_TOPIC = re.compile(
    r"\b(?:about|regarding|concerning|on the (?:subject|issue|question) of|on)\s+(.+)$"
)
_WH_CLAUSE = re.compile(
    r"(?:^|,\s*)((?:in |on |at |for |by |from |of )?"
    r"(?:who|whom|whose|what|which|when|where|why|how)\b.*)$"
)
_LATEST = re.compile(r"\b(latest|most recent|newest|current|currently|now|today|recently)\b")


@dataclass(frozen=True)
class DateScope:
    """The publication dates a question asks about ('in 2017', 'since October 2022',
    'last year'), or that it wants the newest articles ('latest')."""

    phrase: str
    after: date | None = None
    before: date | None = None
    latest: bool = False


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
    answer_type, head = _answer_type(clause.group(1) if clause else lowered, found)
    times = tuple(t for t in time_mentions(text) if t.relative is None or t.year)
    counted_word = None
    if answer_type == "number":
        # 'how many X'; or the measure a number question names ('what was Tesla's revenue').
        counted_word = _counted(lowered) or (head if head and head in _NUMBER_NOUNS else None)
    counted = stem(counted_word) if counted_word else None
    speaker = _speaker(lowered, found) if answer_type == "statement" else None
    topic = _topic(lowered, found)
    verb = _verb(lowered, answer_type, found)
    name_words = {w for n in found for w in words(n)}
    type_words = {"how", "many", "much", "long", "old", "far"} | ({head} if head else set())
    content = tuple(dict.fromkeys(stem(w) for w in words(text) if _content(w)))
    skip = {stem(w) for w in name_words | type_words} | ({counted} if counted else set())
    skip |= {stem(w) for t in time_mentions(text) for w in words(t.text)}
    skip |= {stem(w) for w in words(" ".join(_LATEST.findall(fold(text))))}
    skip |= {stem(w) for w in _SPEECH.findall(fold(text))}
    event = tuple(s for s in content if s not in skip)
    return Question(
        text=text,
        answer_type=answer_type,
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
    return word not in STOPWORDS and word not in REPORTING and word not in _AUX and len(word) > 1


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
                and fold(bare) not in _CATEGORY_NOUNS
                and casing.proper(bare)
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


_WH_WORDS = frozenset("who whom whose what which when where why how".split())


def _bare(name: str) -> str:
    return re.sub(r"['’]s$", "", name)


def _is_name(name: str) -> bool:
    """Not a wh-word, and not a quarter of a year ('Q2'), which is a time."""
    return fold(name) not in _WH_WORDS and not re.fullmatch(r"[Qq][1-4]", name)


def _answer_type(q: str, found: list[str]) -> tuple[AnswerType, str | None]:
    """The answer type of a folded question (its wh-clause), and the category noun it
    names, if any."""
    tokens = q.split()
    first = tokens[0] if tokens else ""
    if first in ("in", "on", "at", "for", "by", "from", "of") and len(tokens) > 1:
        first = tokens[1]
    head = _head(q)
    if first in ("who", "whom", "whose"):
        rest = re.sub(r"^who\s+(?:is|was|are|were)\s+", "", q)
        if rest != q and found and _only_names(rest, found):
            return "description", None
        return "person", None
    if first == "where":
        return "place", None
    if first == "when" or re.search(r"\bhow long ago\b", q):
        return "time", None
    if re.search(
        r"^(?:by |for |in |of )?how (?:many|much|long|old|far|big|large|tall|high|often)\b", q
    ):
        return "number", None
    if re.search(r"\bby (?:what|how much)\b", q) or re.search(
        r"^what (?:did|does|do|will|would)\b.*"
        r"\b(?:cost|costs|earn|earned|weigh|measure|score|total)\b",
        q,
    ):
        return "number", head[0] if head else None
    if first == "why" or re.search(
        r"\b(?:what|which|for what) (?:(?:is|was|are|were) the (?:main )?)?(?:reasons?|causes?)\b",
        q,
    ):
        return "reason", None
    if head and head[2]:
        return head[1], head[0]  # "which country", "what percentage": the noun says it
    # A statement: 'what did X say', 'how did X respond', 'what is X's position' (not
    # 'what are X's stated conditions', where 'stated' only describes the conditions).
    if first in ("what", "how") and (_SUBJECT.search(q) or (found and _POSITION.search(q))):
        return "statement", None
    if first in _AUX:
        return "yesno", None
    if head:
        return head[1], head[0]
    if first == "which":
        return "entity", None
    if first not in _WH_WORDS and tokens:
        bare = _category_of([tokens[-1]])
        if bare:
            return bare[1], bare[0]
        if re.search(r"\baccording to\b", q):
            return "statement", None
    return "description", None


def _head(q: str) -> tuple[str, AnswerType, bool] | None:
    """The category noun a 'which/what' question asks about: (noun, type, direct), direct when
    it follows the wh-word ('which country', 'what share of ...') rather than the copula
    ('what was Tesla's revenue')."""
    direct = re.search(r"\b(?:which|what)\s+((?:[\w'.-]+\s*){1,4})", q)
    if direct and direct.group(1).split()[0] not in _AUX:
        found = _category_of(direct.group(1).split()[:4])
        if found:
            return found[0], found[1], True
    copula = re.search(
        r"\b(?:what|which)\s+(?:is|was|are|were|will be)\s+((?:[\w'.-]+\s*){1,5})", q
    )
    if copula:
        found = _category_of(copula.group(1).split()[:5])
        if found:
            return found[0], found[1], False
    return None


def _category_of(tokens: list[str]) -> tuple[str, AnswerType] | None:
    """The last category noun of a noun phrase ('state department spokesperson' -> a
    person), which ends at the first auxiliary."""
    found: tuple[str, AnswerType] | None = None
    for i, word in enumerate(tokens):
        if (word in _AUX or word in ("the", "a", "an", "this", "that")) and i > 0:
            break  # the noun phrase ended
        word = word.removesuffix("'s").removesuffix("’s")
        singular = word.removesuffix("s") if len(word) > 3 else word
        for nouns, kind in (
            (_PERSON_NOUNS, "person"), (_ORG_NOUNS, "organisation"), (_PLACE_NOUNS, "place"),
            (_TIME_NOUNS, "time"), (_NUMBER_NOUNS, "number"), (_NAMED_NOUNS, "entity"),
        ):  # fmt: skip
            if word in nouns or singular in nouns:
                found = (word, kind)  # type: ignore[assignment]
                break
    return found


def _only_names(rest: str, found: list[str]) -> bool:
    left = rest
    for name in found:
        left = left.replace(fold(name), " ")
    return not [w for w in words(left) if w not in STOPWORDS]


def _counted(q: str) -> str | None:
    """The noun counted by 'how many/much X': the last word before an
    auxiliary, or the first word when none follows soon."""
    match = re.search(r"\bhow (?:many|much)\s+(?:of\s+)?(?:the\s+)?(.*)$", q)
    if not match:
        return None
    tail = list(re.findall(r"[^\W_][\w'’-]*", match.group(1)))
    if not tail:
        return None
    for i, word in enumerate(tail[:7]):
        if word in _AUX and i > 0:
            candidates = [w for w in tail[:i] if w not in STOPWORDS]
            return candidates[-1].removesuffix("'s") if candidates else None
    first = tail[0].removesuffix("'s")
    return first if first not in STOPWORDS else None


_SUBJECT = re.compile(
    r"^(?:what|how)\s+(?:did|does|do|has|have|had|is|was|will|would)\s+(.+?)\s+"
    r"(?:say|said|tell|told|stated|describe|call|respond|react|think|claim|warn|argue|"
    r"suggest|comment|mean|announce|portray|view|see)\b"
)


def _speaker(q: str, found: list[str]) -> str | None:
    """Whose statement is asked for: the subject of the verb of saying ('what did X say'),
    which may be a role ('the mayor'); else the name after 'according to', else the first
    name of the question."""
    clause = re.search(r"(?:^|,\s*)((?:what|how)\b.*)$", q)
    subject = _SUBJECT.search(clause.group(1)) if clause else None
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
    if verb is None or verb in STOPWORDS or _SPEECH.fullmatch(verb):
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
        if (second.endswith("ed") or second in _IRREGULAR_PAST) and second not in _AUX:
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
        while j < len(tokens) and (tokens[j] in _ADVERBS or tokens[j].endswith("ly")):
            j += 1
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

_FROM = re.compile(r"\b(since|from|starting|as of)\s+(?:the\s+)?$", re.I)
_AFTER = re.compile(r"\bafter\s+(?:the\s+)?$", re.I)
_BEFORE = re.compile(r"\b(before|prior to)\s+(?:the\s+)?$", re.I)
_UNTIL = re.compile(r"\b(until|till|up to|by)\s+(?:the\s+)?$", re.I)


def date_scope(question: str, today: date) -> DateScope | None:
    """The publication dates the question asks about, if it names any it can resolve.

    'in 2017' and 'in October 2022' give that year or month; 'since/after X' a start,
    'before/until X' an end; 'last year', 'this year', 'last month' are resolved against
    ``today``; 'latest', 'most recent', 'current' ask for the newest articles.
    """
    scope: DateScope | None = None
    for mention in time_mentions(question):
        window = _window(mention, today)
        if window is None:
            continue
        start, end = window
        lead = question[: mention.start]
        prep = next((m for r in (_FROM, _AFTER, _BEFORE, _UNTIL) if (m := r.search(lead))), None)
        phrase = f"{prep.group(0).strip()} {mention.text}" if prep else f"in {mention.text}"
        if mention.relative:
            phrase = mention.text
        if _FROM.search(lead):
            part = DateScope(phrase, after=start)
        elif _AFTER.search(lead):
            part = DateScope(phrase, after=end + timedelta(days=1))
        elif _BEFORE.search(lead):
            part = DateScope(phrase, before=start - timedelta(days=1))
        elif _UNTIL.search(lead):
            part = DateScope(phrase, before=end)
        else:
            part = DateScope(phrase, after=start, before=end)
        scope = _merge(scope, part)
    if _LATEST.search(fold(question)):
        phrase = _LATEST.search(fold(question)).group(0)  # type: ignore[union-attr]
        scope = replace(scope, latest=True) if scope else DateScope(phrase, latest=True)
    return scope


def _window(mention: TimeMention, today: date) -> tuple[date, date] | None:
    if mention.relative:
        unit = mention.relative.split()[-1]
        shift = -1 if mention.relative.startswith(("last", "past", "a ")) else 0
        if unit == "year":
            year = today.year + shift
            return date(year, 1, 1), date(year, 12, 31)
        if unit == "month":
            month_start = date(today.year, today.month, 1)
            if shift:
                month_start = (month_start - timedelta(days=1)).replace(day=1)
            return month_start, _month_end(month_start)
        if unit == "week":
            start = today - timedelta(days=today.weekday() + (7 if shift else 0))
            return start, start + timedelta(days=6)
        return None
    if mention.year is None:
        return None
    if mention.month and mention.day:
        day = date(mention.year, mention.month, mention.day)
        return day, day
    if mention.month:
        start = date(mention.year, mention.month, 1)
        return start, _month_end(start)
    return date(mention.year, 1, 1), date(mention.year, 12, 31)


def _month_end(start: date) -> date:
    following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _merge(a: DateScope | None, b: DateScope) -> DateScope:
    if a is None:
        return b
    after = max((d for d in (a.after, b.after) if d), default=None)
    before = min((d for d in (a.before, b.before) if d), default=None)
    return DateScope(f"{a.phrase}, {b.phrase}", after=after, before=before, latest=a.latest)


__all__ = [
    "AnswerType",
    "DateScope",
    "Question",
    "analyse",
    "date_scope",
    "month_number",
    "with_casing",
]
