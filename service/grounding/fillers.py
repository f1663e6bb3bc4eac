"""Fillers: what in a sentence answers a question's type, tied to its focus.

For 'how many X' a number counting X (or, for a measure, near the event); for 'when' a time
near what happened; for 'where' a name after a place preposition; for 'who' a name near the
event that is a person; for 'why' a cause; for 'what did X say' a statement attributed to X.
The attachment is by word distance and English syntax (auxiliaries, verbs of saying, the
sentence's subject), never by words of any corpus. ``answerability`` decides with these.

Just over 300 lines: one reader per answer type, all sharing the same attachment helpers
(word positions, distance, the subject); who speaks is read in ``attribution``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from ingest.dates import time_mentions
from service.grounding.attribution import (
    ATTRIBUTED,
    PRONOUN_SPEAKER,
    quoted,
    role_holders,
    role_speaks,
    speakers,
    subject_is,
)
from service.grounding.mentions import Casing, Name, mentions_name, names, opens_sentence
from service.grounding.quantities import Quantity, quantities
from service.grounding.question import Question, past_tense
from service.text import STOPWORDS, content_stems, fold, stem

# How many words apart a filler and the word it answers for may be.
NUMBER_REACH = 4
NAME_REACH = 10

_LOCATIVE = re.compile(
    r"\b(?:in|at|near|outside|inside|across|throughout|around|visit(?:s|ed|ing)?|held in|"
    r"hosted in|based in|located in|"
    # motion to a place: 'flew to Ankara', 'moved to the coast'
    r"(?:travel(?:s|led|ed|ling|ing)?|fl(?:y|ies|ew)|go(?:es)?|went|move[sd]?|returned|"
    r"headed|sailed|drove|fled|relocated) to|"
    # a part of a place: 'the cliffs of Skomer', 'the outskirts of Kharkiv'
    r"(?:city|town|village|island|islands|region|province|state|county|capital|port|coast|"
    r"shores?|banks?|cliffs?|outskirts|suburbs?|streets?|centre|center|heart|edge|north|"
    r"south|east|west|north-?east|north-?west|south-?east|south-?west) of)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_TEMPORAL = re.compile(
    r"\b(?:soon |shortly |just |days |weeks |months |years )?(?:after|before|during|since|"
    r"until|following|ahead of|at the (?:end|start|beginning|time) of)\s+(?:the\s+)?[\w’'-]+",
    re.IGNORECASE,
)
# A time stated relative to the article ('in less than a month', 'within two weeks', 'next
# year', 'later this month'): it answers 'when' as the text gives it.
_RELATIVE = re.compile(
    r"\b(?:(?:in|within) (?:(?:less|more) than |about |under |over |the next |just )?"
    r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|several|\d+) "
    r"(?:days?|weeks?|months?|years?|hours?)|(?:next|later this|earlier this|early next|"
    r"late next) (?:week|month|year|spring|summer|autumn|fall|winter))\b",
    re.IGNORECASE,
)
_CAUSE = re.compile(
    r"\b(?i:because|due to|owing to|as a result|so that|in order to|aimed at|thanks to|"
    r"reasons?|caused by|blam(?:e|ed|es|ing)|the cause|since (?!\d)|after (?:it|they|he|she) "
    r"(?:was|were|had)|in response to|in retaliation for|in protest (?:at|against|over)|"
    r"as long as)\b"
    # an event that came first, named by its subject and past verb: 'after Russia claimed'
    r"|\b[Aa]fter (?:the )?[A-Z][\w’'-]+(?: [A-Z][\w’'-]+)* [a-z]+ed\b",
)
_POSSIBLE = re.compile(
    r"\b(?:would|could|might|may|will|shall|opportunity to|chance to|plans? to|planned to|"
    r"hopes? to|wants? to|expected to|set to|likely to|if)\b",
    re.IGNORECASE,
)


# Words that count what follows them: 'the most wins', 'three wins' are nouns, not the verb.
_QUANTIFIERS = frozenset("most more many few fewer several numerous".split())


def verb_stated(question: Question, text: str) -> bool:
    """The question's main verb is stated, and, when the question asks what was done ('what
    did X propose'), stated as done: not only as a possibility ('would have an opportunity
    to put proposals')."""
    if question.verb is None:
        return True
    tokens = _positions(text)
    verb = question.verb
    root = verb if len(verb) <= 4 else verb[: len(verb) - 1]  # 'decid' ~ 'decis(ion)'
    # A word inside a name is not the verb, unless it is the verb alone opening a sentence
    # ('Won by Slovenia's ...'); a counted noun is not either ('the most wins').
    spans = [
        (n.start, n.end)
        for n in names(text)
        if len(n.tokens) > 1 or stem(n.key) != verb or not opens_sentence(text, n.start)
    ]
    hits = [
        i
        for i, (at, w) in enumerate(tokens)
        if (
            stem(w) == verb
            or (len(verb) > 4 and stem(w).startswith(root) and len(w) <= len(verb) + 5)
        )
        and not any(a <= at < b for a, b in spans)
        and not (i > 0 and (tokens[i - 1][1] in _QUANTIFIERS or tokens[i - 1][1].isdigit()))
    ]
    if not hits:
        return False
    if not past_tense(question):
        return True
    for i in hits:
        before = " ".join(w for _, w in tokens[max(0, i - 6) : i])
        if not _POSSIBLE.search(before):
            return True
    return False


def same_instance(question: Question, text: str) -> bool:
    """False when the text numbers what the question numbers differently: 'the tenth and
    final season' or 'Season 10' for 'the first season', 'stage 13' for 'stage 21' (another
    of a series is another thing)."""
    wanted = _numbered(question.text)
    if not wanted:
        return True
    stated = _numbered(text)  # a question's sentences are judged many times: both cached
    for noun, value in wanted:
        values = {v for n, v in stated if n == noun}
        if values and value not in values:
            return False
    return True


# Words that may stand between an ordinal and its noun ('the tenth and final season').
_SERIES_MODIFIERS = frozenset("and final last full new official regular".split())


@lru_cache(maxsize=4096)
def _numbered(text: str) -> frozenset[tuple[str, float]]:
    """(noun stem, number) of each ordinal or count that numbers a noun: 'first season',
    'Season 11', '92nd edition'."""
    out: set[tuple[str, float]] = set()
    for q in quantities(text):
        if q.kind not in ("ordinal", "count"):
            continue
        after = re.findall(r"[^\W_][\w'’-]*", text[q.end :])[:3]
        noun = None
        for word in after:
            if fold(word) not in _SERIES_MODIFIERS:
                if word.isalpha() and fold(word) not in STOPWORDS:
                    noun = word
                break
        if noun is not None:
            out.add((stem(fold(noun)), q.value))
        before = re.findall(r"[^\W_][\w'’-]*", text[: q.start])[-1:]
        if (
            q.kind == "count"
            and before
            and before[0].isalpha()
            and fold(before[0]) not in STOPWORDS
            and (noun is None or before[0][0].isupper())
        ):
            out.add((stem(fold(before[0])), q.value))  # 'Season 10 premiere', 'stage 13'
    return frozenset(out)


@lru_cache(maxsize=256)
def article_casing(context: str) -> Casing:
    """How an article (what is known of it: ``context``) capitalises its words; read once per
    article, not once per sentence judged. Never modified after it is made."""
    return Casing([context])


def filler_of(question: Question, text: str, previous: str = "", context: str = "") -> str | None:
    """What in ``text`` answers the question's type, tied to its focus; None when nothing."""
    kind = question.answer_type
    if kind == "number":
        return _number(question, text)
    if kind == "time":
        return _time(question, text, article_casing(context or text), previous)
    if kind == "place":
        return _place(question, text, context)
    if kind in ("person", "organisation", "entity"):
        return _name(question, text, context)
    if kind == "reason":
        match = _CAUSE.search(text)
        return match.group(0) if match else None
    if kind == "statement":
        return _statement(question, text, previous, article_casing(context or text), context)
    if kind == "yesno":
        return text if _coverage_all(question, f"{previous} {text}") >= 0.6 else None
    new = set(content_stems(text)) - set(question.content)
    return text if len(new) >= 2 else None


def _coverage_all(question: Question, text: str) -> float:
    wanted = [s for s in question.content if s not in {"say", "said"}]
    if not wanted:
        return 1.0
    present = set(content_stems(text))
    return sum(s in present for s in wanted) / len(wanted)


def _positions(text: str) -> list[tuple[int, str]]:
    """(offset in ``text``, folded word) of each word."""
    return [(m.start(), fold(m.group())) for m in re.finditer(r"[^\W_][\w'’-]*", text)]


def _near(text: str, at: int, stems: set[str], reach: int) -> bool:
    """Whether a word with one of ``stems`` is within ``reach`` words of offset ``at``."""
    tokens = _positions(text)
    index = next((i for i, (start, _) in enumerate(tokens) if start >= at), len(tokens))
    window = tokens[max(0, index - reach) : index + reach + 1]
    return any(stem(w) in stems for _, w in window)


# Words that may stand between a number and the noun it counts ('20% of Ukrainian
# territory', '3,000 people', 'a toll of 40', 'turnout was 41%').
_BETWEEN = frozenset(
    "of the a an more than about some over nearly almost around roughly at to by was were is "
    "are numbered totalled totaled reached stood rose fell grew jumped dropped climbed hit came "
    "increased decreased its their has have had been be will would risen fallen grown "
    "reached".split()
)
_ADJECTIVE_END = ("an", "ian", "ish", "ese", "al", "ed", "ing", "ive", "ous", "ic", "ful", "less")


def _number(question: Question, text: str) -> str | None:
    """A number the question does not hold, counting the noun 'how many' asks about; for a
    measure of money or of a share ('what was the revenue', 'what share'), a number of that
    kind only."""
    asked = {q.value for q in quantities(question.text)}
    kind = _MEASURE_KINDS.get(question.counted_word or "")
    for q in quantities(text):
        if q.value in asked or (kind and _kind_of(text, q) != kind):
            continue
        if question.counted is None or _counts(text, q.start, q.end, question.counted):
            return q.text
        if kind == "percent":
            return q.text  # a share is seldom named beside its number ('holds 20% of ...')
        if _measured(question) and _near(text, q.start, _anchors(question), NUMBER_REACH):
            return q.text
    return None


# Measures whose number has a kind of its own: money, or a share of a whole.
_MEASURE_KINDS = {
    **dict.fromkeys(
        "cost costs price prices revenue revenues profit profits income salary budget debt fee "
        "fine bill deficit gdp worth".split(),
        "money",
    ),
    **dict.fromkeys("share percentage percent proportion fraction".split(), "percent"),
}
_CURRENCY_WORD = re.compile(
    r"^\s*(?:us |u\.s\. )?(?:dollars?|euros?|pounds?|sterling|yen|yuan|renminbi|rubles?|"
    r"roubles?|rupees?|francs?|won|pesos?|reais|real)\b",
    re.IGNORECASE,
)
_CURRENCY_CODE = re.compile(r"\b(?:USD|EUR|GBP|JPY|CNY|RUB|INR|CHF|US\$|A\$|C\$)\s*$")


def _kind_of(text: str, q: Quantity) -> str:
    """A quantity's kind, with amounts written in words of money ('5 million euros',
    'EUR 5 million') counted as money."""
    if q.kind == "count" and (
        _CURRENCY_WORD.match(text[q.end :]) or _CURRENCY_CODE.search(text[: q.start])
    ):
        return "money"
    return q.kind


def _measured(question: Question) -> bool:
    """Whether the question names a measure ('what margin', 'the cost of') rather than
    counting a noun: a measure is seldom named beside its number ('voted 7-2')."""
    return question.head is not None and question.counted == stem(question.head)


def _anchors(question: Question) -> set[str]:
    return {question.verb} if question.verb else set(question.event)


def _counts(text: str, start: int, end: int, counted: str) -> bool:
    """Whether the number at ``start:end`` counts ``counted``: the noun follows within three
    words with nothing but modifiers between, or comes just before it ('a toll of 40')."""
    after = re.findall(r"[^\W_][\w'’-]*", text[end:])[:4]
    for word in after:
        if stem(fold(word)) == counted:
            return True
        folded = fold(word)
        if not (folded in _BETWEEN or word[0].isupper() or folded.endswith(_ADJECTIVE_END)):
            break
    before = re.findall(r"[^\W_][\w'’-]*", text[:start])[-4:]
    for word in reversed(before):
        if stem(fold(word)) == counted:
            return True
        if fold(word) not in _BETWEEN:
            break
    return False


def _time(
    question: Question, text: str, casing: Casing | None = None, previous: str = ""
) -> str | None:
    """A time the question does not hold, near what happened: its verb when it names one
    ('was released on September 14'), else its event words (a web page's own date at the
    head of a snippet is not when the thing happened). Near counts across the start of the
    sentence ('Release date. December 1, 2017')."""
    anchors = _anchors(question)
    spoken = _spoken_at(question, text, casing)
    joined, shift = f"{previous} {text}", len(previous) + 1
    mentions = time_mentions(text)
    asked_years = {w.year for w in question.times if w.year}
    years = {m.year for m in mentions if m.year}
    if asked_years and years and not asked_years & years:
        return None  # 'the 2021 draft': a sentence of other years only is about another
    for t in mentions:
        if any(t.fits(w) for w in question.times):
            continue  # the question states it already ('in 2021'); 'July 29, 2021' is news
        if t.year and asked_years and t.year not in asked_years:
            continue
        if (not previous and _dateline(text, t.start, t.end)) or _generic(text, t.end):
            continue
        if not anchors or _near(joined, t.start + shift, anchors, NAME_REACH):
            return t.text
        if any(abs(t.start - at) <= SPEECH_REACH for at in spoken):
            return t.text  # 'When did X tell ...': 'X said Monday that ...'

    for pattern in (_TEMPORAL, _RELATIVE):
        for match in pattern.finditer(text):
            if not anchors or _near(text, match.start(), anchors, NAME_REACH):
                return match.group(0)
    return None


_AFTER_DATELINE = re.compile(r"\s*(?:\.\.\.|…|[-–—]\s|\(|/)")


def _generic(text: str, end: int) -> bool:
    """'Today's media', 'this year's race': a time used as a possessive modifier."""
    return bool(re.match(r"['’]s\b", text[end:]))


def _dateline(text: str, start: int, end: int) -> bool:
    """Whether the time at ``start:end`` heads a passage as its dateline ('Jul 7, 2018 ...',
    'March 29 - '): when the text was written, not when what it reports happened."""
    return not text[:start].strip(" \t\"“'") and bool(_AFTER_DATELINE.match(text[end:]))


# How far (in characters) a time may stand from the verb of saying it dates ('said on Monday').
SPEECH_REACH = 16
_ASKS_SPEECH = re.compile(r"\b(?:say|said|tell|told|speak|spoke|state|announce|warn|claim)\b")


def _spoken_at(question: Question, text: str, casing: Casing | None) -> list[int]:
    """When the question asks when one of its names said something: the offsets of the
    verbs of saying in ``text`` whose speaker is that name."""
    if not question.names or not _ASKS_SPEECH.search(fold(question.text)):
        return []
    if not any(_asked_name(question, s) for s in speakers(text, casing)):
        return []
    return [m.start() for m in ATTRIBUTED.finditer(text)]


def _asked_name(question: Question, name: str) -> bool:
    return any(mentions_name(q, name) or mentions_name(name, q) for q in question.names)


def _place(question: Question, text: str, context: str) -> str | None:
    """A name after a place preposition ('in Bonn', 'visit Kazakhstan'); for 'which
    country/region' questions, failing that, any name the question does not hold."""
    casing = article_casing(context)
    found = [n for n in names(text, casing) if not _asked_name(question, n.text)]
    for name in found:
        if _LOCATIVE.search(text[max(0, name.start - 24) : name.start]):
            return name.text
    if not question.head:
        return None
    # 'Which provinces ...': any other name, but not a people ('Americans') nor who the
    # sentence says acts or speaks ('Trump, who takes office, said ...').
    said_by = speakers(text, casing)
    for name in found:
        people = len(name.tokens) == 1 and re.search(r"(?:ans|ese)$", name.tokens[0])
        if not (people or name.text in said_by or subject_is(text, name.text)):
            return name.text
    return None


def _name(question: Question, text: str, context: str) -> str | None:
    """A name the question does not hold, near what it asks about. For 'who', a one-word
    name must be written in full elsewhere in the article ('Kellogg' after 'Keith
    Kellogg'), be the one the sentence attributes speech to, or stand just before the
    event's verb: a lone capitalised word is as often a title or a thing ('Titanic')."""
    anchors = set(question.event) | ({question.verb} if question.verb else set())
    if _former(question, text, anchors):
        return None
    casing = article_casing(context)
    everywhere = names(context, casing)
    said_by = speakers(text, casing)
    for whole in names(text, casing):
        found = _beyond_asked(question, whole, casing)
        if found is None or anchors & set(content_stems(found.text)):
            continue
        if question.answer_type == "person" and (
            found.tokens[-1] in _THING_HEADS or found.tokens[-1] in STOPWORDS
        ):
            continue  # 'the Johnny Unitas Golden Arm Award', 'Log In' are not people
        if question.answer_type == "person" and len(found.tokens) == 1:
            fuller = any(len(n.tokens) > 1 and found.tokens[0] in n.tokens for n in everywhere)
            speaks = found.text in said_by  # 'Lavrov said': a person, whatever the verb asked
            acts = _before_verb(text, found.end, question.verb) or (
                subject_is(text, found.text) and _near(text, found.end, anchors, 3)
            )  # 'Germany celebrate their win'
            if not (fuller or speaks or acts):
                continue
        if not anchors:
            return found.text
        if _near(text, found.start, anchors, NAME_REACH) or _near(
            text, found.end, anchors, NAME_REACH
        ):
            return found.text
        if question.verb and subject_is(text, found.text) and verb_stated(question, text):
            return found.text  # the subject of the sentence that states the verb
    return None


_PRESENT = re.compile(r"^(?:who|which \w+) (?:is|are)\b|\bcurrent(?:ly)?\b")
_FORMER = re.compile(
    r"\b(?:former|ex-|then-|one-time|onetime|erstwhile)\s*((?:[\w.'’-]+\s+){0,2}[\w.'’-]+)"
)


def _former(question: Question, text: str, anchors: set[str]) -> bool:
    """Whether a question about who holds a role now ('who is the president of X') meets a
    sentence that gives only a former holder ('the former president of X')."""
    if not _PRESENT.search(fold(question.text)):
        return False
    role = anchors | {stem(w) for n in question.names for w in re.findall(r"[^\W_]+", fold(n))}
    return any(role & set(content_stems(m.group(1))) for m in _FORMER.finditer(fold(text)))


def _beyond_asked(question: Question, found: Name, casing: Casing) -> Name | None:
    """``found`` when the question does not name it; when it opens with what the question
    names ('Google CEO Sundar Pichai' for 'the CEO of Google'), the rest of it; else None."""
    if not _asked_name(question, found.text):
        return found
    words = list(re.finditer(r"\S+", found.text))
    asked = 0  # the leading words that are words of the question's names
    while asked < len(words) and any(
        mentions_name(words[asked].group(), n) for n in question.names
    ):
        asked += 1
    if asked == 0 or asked == len(words):
        return None
    rest = found.text[words[asked].start() :]
    inner = names(rest, casing)
    if not inner or inner[0].start != 0 or _asked_name(question, inner[0].text):
        return None
    shift = found.start + words[asked].start()
    return replace(inner[0], start=inner[0].start + shift, end=inner[0].end + shift)


# Last words that make a name the name of a thing, an event or a place, not of a person.
_THING_HEADS = frozenset(
    "award awards prize prizes cup trophy championship championships games olympics festival "
    "stadium arena park university college school council ministry department party company "
    "inc corp ltd group bank museum hall bridge street river film show series award".split()
)


def _before_verb(text: str, end: int, verb: str | None) -> bool:
    """Whether the question's verb follows right after offset ``end`` (a subject)."""
    if verb is None:
        return False
    following = re.findall(r"[^\W_][\w'’-]*", text[end:])[:2]
    return any(stem(fold(w)).startswith(verb[: max(4, len(verb) - 1)]) for w in following)


def _statement(
    question: Question, text: str, previous: str, casing: Casing | None = None, context: str = ""
) -> str | None:
    """The sentence, when it is a statement of the question's speaker: attributed to them
    ('X said', 'said X', 'according to X'), or with them as its subject, or a quotation or
    'he said' right after a sentence whose subject they are. A role ('the spokesman') is
    also anyone the article names in that role ('State Department spokesperson Ned Price')."""
    speaker = question.speaker
    said_by = speakers(text, casing)
    if speaker is None:
        return text if said_by or PRONOUN_SPEAKER.search(text) or quoted(text) else None
    if not topic_covered(question, text):
        return None  # their statement, but about something else
    wanted = speaker.split()[-1]
    if wanted.islower() and role_speaks(text, wanted):
        return text  # a role: 'officials', 'the mayor'
    who = [wanted, *(role_holders(context, wanted, casing) if wanted.islower() else [])]
    if any(mentions_name(w, s) for w in who for s in said_by):
        return text
    if said_by:
        return None  # somebody else says it
    if any(subject_is(text, w) for w in who):
        return text
    referring = PRONOUN_SPEAKER.search(text) or quoted(text)
    before = speakers(previous, casing)
    if referring and any(
        subject_is(previous, w) or any(mentions_name(w, s) for s in before) for w in who
    ):
        return text
    return None


def topic_covered(question: Question, text: str) -> bool:
    if not question.topic:
        return True
    present = set(content_stems(text))
    name_words = {w for n in question.names for w in content_stems(n)}
    wanted = [s for s in question.topic if s not in name_words]
    if not wanted:
        return all(
            mentions_name(n, text)
            for n in question.names
            if set(content_stems(n)) & set(question.topic)
        )
    return sum(s in present for s in wanted) / len(wanted) >= 0.5
