"""Answer types: what a question asks for (a person, a place, a number ...), read from its
wh-word and from the category noun of a "which/what X" question ("which country" asks for a
place, "what share" for a number).

English grammar only: wh-words, auxiliaries, and category nouns of any domain. Nothing here
names an entity or a phrase of any corpus or eval set.
"""

from __future__ import annotations

import re
from typing import Literal

from service.text import STOPWORDS, fold, words

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
NUMBER_NOUNS = frozenset(
    "number amount share percentage percent proportion fraction total figure cost price "
    "revenue revenues profit profits income sales salary budget debt population score "
    "temperature height length weight distance age rate margin value worth capacity speed "
    "toll count tally sum fee fine bill deficit gdp turnout majority".split()
)
_ROLE_NOUNS = _PERSON_NOUNS | _ORG_NOUNS
CATEGORY_NOUNS = (
    _PERSON_NOUNS | _ORG_NOUNS | _PLACE_NOUNS | _TIME_NOUNS | NUMBER_NOUNS | _NAMED_NOUNS
)
SPEECH = re.compile(
    r"\b(say|said|says|tell|told|state|stated|describe|described|call|called|respond|"
    r"responded|react|reacted|think|thinks|thought|claim|claimed|warn|warned|argue|argued|"
    r"suggest|suggested|comment|commented|mean|meant|announce|announced|characteri[sz]e|"
    r"portray|depict|depicted|view|see|speak|spoke|spoken|mention|mentioned|name|named|cite|"
    r"cited)\b"
)
_POSITION = re.compile(r"\b(position|stance|view|views|opinion|attitude|reaction|response)\b")
AUX = frozenset(
    "is are was were be been do does did has have had will would can could should shall may "
    "might must".split()
)
WH_WORDS = frozenset("who whom whose what which when where why how".split())


# The subject of a verb of saying: a few words ('the state department spokesman'), so that a
# later noun ('... discuss in their first phone call') is not read as the verb.
SUBJECT = re.compile(
    r"^(?:what|how)\s+(?:did|does|do|has|have|had|is|was|will|would)\s+"
    r"((?:[\w'’.-]+\s+){0,4}?[\w'’.-]+)\s+"
    r"(?:say|said|tell|told|stated|describe|call|respond|react|think|claim|warn|argue|"
    r"suggest|comment|mean|announce|portray|depict|view|see)\b"
)


def answer_type(q: str, found: list[str]) -> tuple[AnswerType, str | None]:
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
    if first in ("what", "how") and (SUBJECT.search(q) or (found and _POSITION.search(q))):
        return "statement", None
    if first in AUX:
        return "yesno", None
    if head:
        return head[1], head[0]
    if first == "which":
        return "entity", None
    if first not in WH_WORDS and tokens:
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
    if direct and direct.group(1).split()[0] not in AUX:
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
        if (word in AUX or word in ("the", "a", "an", "this", "that")) and i > 0:
            break  # the noun phrase ended
        word = word.removesuffix("'s").removesuffix("’s")
        singular = word.removesuffix("s") if len(word) > 3 else word
        for nouns, kind in (
            (_PERSON_NOUNS, "person"), (_ORG_NOUNS, "organisation"), (_PLACE_NOUNS, "place"),
            (_TIME_NOUNS, "time"), (NUMBER_NOUNS, "number"), (_NAMED_NOUNS, "entity"),
        ):  # fmt: skip
            if word in nouns or singular in nouns:
                found = (word, kind)  # type: ignore[assignment]
                break
    return found


def role_noun(word: str) -> bool:
    """A noun of a person or group ('spokesman', 'officials'), singular or plural: a role in
    a subject ('the State Department spokesman')."""
    bare = word.removesuffix("'s").removesuffix("’s")
    return bare in _ROLE_NOUNS or (len(bare) > 3 and bare.removesuffix("s") in _ROLE_NOUNS)


def _only_names(rest: str, found: list[str]) -> bool:
    left = rest
    for name in found:
        left = left.replace(fold(name), " ")
    return not [w for w in words(left) if w not in STOPWORDS]


def counted_noun(q: str) -> str | None:
    """The noun counted by 'how many/much X': the last word before an
    auxiliary, or the first word when none follows soon."""
    match = re.search(r"\bhow (?:many|much)\s+(?:of\s+)?(?:the\s+)?(.*)$", q)
    if not match:
        return None
    tail = list(re.findall(r"[^\W_][\w'’-]*", match.group(1)))
    if not tail:
        return None
    for i, word in enumerate(tail[:7]):
        if word in AUX and i > 0:
            candidates = [w for w in tail[:i] if w not in STOPWORDS]
            return candidates[-1].removesuffix("'s") if candidates else None
    first = tail[0].removesuffix("'s")
    return first if first not in STOPWORDS else None
