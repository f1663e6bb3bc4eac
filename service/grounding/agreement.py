"""Whether a claim says what its quote says: the names (people, places, organisations,
outlets), numbers (with units and percentages), dates and polarity of the claim must agree
with the quote. A mismatch makes the claim unsupported whatever its similarity.

Rules of English in general: capitalisation, number words and symbols, time expressions,
negators, a few antonym pairs of common verbs, and negating prefixes (un-, in-, dis-, non-).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from service.grounding.mentions import Casing, mentions_name, names, time_mentions
from service.grounding.quantities import quantities
from service.text import STOPWORDS, fold, stem, words

_NEGATOR = re.compile(
    r"\b(?:not|no|never|without|cannot|yet to|far from|no longer|hardly|n['’]t)\b"
    r"|(?<=\w)n['’]t\b",
    re.IGNORECASE,
)
# How far (in words) a negator reaches for the word it negates.
NEGATION_REACH = 4
# Verbs of opposite meaning, by class: "reject" = not "accept", "lose" = not "win".
_CLASSES: dict[str, tuple[str, bool]] = {}
for _cls, _positive, _negative in (
    (
        "accept",
        "accept agree approve welcome embrace endorse support back allow permit",
        "reject refuse decline deny oppose dismiss rebuff veto ban forbid block",
    ),
    ("win", "win won beat defeat triumph", "lose lost"),
    (
        "rise",
        "rise rose risen increase grow grew grown climb climbed gain",
        "fall fell fallen decrease drop dropped shrink shrank decline",
    ),
    ("include", "include admit", "exclude"),
    ("confirm", "confirm", "deny"),
    ("open", "open", "close closed shut"),
):
    for _w in _positive.split():
        _CLASSES.setdefault(stem(_w), (_cls, False))
    for _w in _negative.split():
        _CLASSES.setdefault(stem(_w), (_cls, True))
# Phrasal verbs of the negative side, and passives that turn a winner into a loser.
_PHRASES = (
    (re.compile(r"\b(?:turn|turned|turns|turning) down\b", re.I), ("accept", True)),
    (re.compile(r"\b(?:rule|ruled|rules|ruling) out\b", re.I), ("accept", True)),
    (re.compile(r"\b(?:was|were|been|be|is|are) (?:defeated|beaten)\b", re.I), ("win", True)),
)
_ADJECTIVE = r"(?:able|ible|ent|ant|ive|al|ate|ar|ete|ect|est|ible)$"
_TOKEN = re.compile(r"[^\W_][\w'’-]*")


@dataclass(frozen=True)
class Agreement:
    """The verdict and each thing that does not agree."""

    agrees: bool
    problems: tuple[str, ...] = ()


def agreement(
    claim: str,
    quote: str,
    context: str = "",
    published: str | None = None,
    casing: Casing | None = None,
    about: str = "",
) -> Agreement:
    """Check ``claim`` against ``quote``. ``context`` (the sentences before the quote) may
    supply a name the quote refers to by a pronoun; ``about`` (the article's outlet and
    title) a name the claim attributes it to ('Reuters reported'); ``published`` (ISO date)
    a date the quote leaves implicit."""
    problems = [*_names(claim, quote, context, casing, about), *_numbers(claim, quote)]
    problems += _times(claim, quote, published)
    problems += opposite(claim, quote)
    return Agreement(not problems, tuple(problems))


def _names(
    claim: str, quote: str, context: str, casing: Casing | None, about: str = ""
) -> list[str]:
    lexicon = casing or Casing([quote, context])
    referring = bool(re.search(r"\b(?:he|she|they|his|her|their|it|its|we|i)\b", quote, re.I))
    out = []
    for name in names(claim, lexicon):
        if mentions_name(name, quote) or (about and mentions_name(name, about)):
            continue
        if referring and context and mentions_name(name, context):
            continue
        out.append(f"{name.text!r} is not in the quote")
    return out


def _numbers(claim: str, quote: str) -> list[str]:
    stated = quantities(quote)
    out = []
    for q in quantities(claim):
        if not any(q.same(p) for p in stated):
            said = ", ".join(p.text for p in stated) or "no number"
            out.append(f"{q.text!r} does not match the quote ({said})")
    return out


def _times(claim: str, quote: str, published: str | None) -> list[str]:
    stated = time_mentions(quote)
    day = _day(published)
    out = []
    for t in time_mentions(claim):
        if any(t.fits(s) for s in stated):
            continue
        if day is not None and t.fits_day(day):
            continue
        said = ", ".join(s.text for s in stated) or "no date"
        out.append(f"{t.text!r} does not match the quote ({said})")
    return out


def _day(published: str | None) -> date | None:
    try:
        return date.fromisoformat(published) if published else None
    except ValueError:
        return None


def opposite(claim: str, quote: str) -> list[str]:
    """Where the claim and the quote say the same thing with opposite polarity: a word one
    negates ('not happy', 'no indications', 'yet to receive') and the other asserts; a verb
    of one class with the opposite sense ('refuse' vs 'would not turn down', 'lost to' vs
    'defeated') about the same thing; a word with a negating prefix ('unwilling')."""
    out = []
    mine, theirs = _negated(claim), _negated(quote)
    claim_stems, quote_stems = set(_stems(claim)), set(_stems(quote))
    for word in sorted((theirs - mine) & claim_stems):
        out.append(f"the quote negates {word!r}, the claim does not")
    for word in sorted((mine - theirs) & quote_stems):
        out.append(f"the claim negates {word!r}, the quote does not")
    for cls, obj, sign in _senses(claim):
        for other_cls, other_obj, other_sign in _senses(quote):
            if cls == other_cls and obj == other_obj and sign != other_sign:
                out.append(f"the claim and the quote say opposite things about {obj!r}")
    for one, other, one_stems, other_stems in (
        (claim, "the quote", claim_stems, quote_stems),
        (quote, "the claim", quote_stems, claim_stems),
    ):
        for word in words(one):
            rest = _unprefixed(word)
            if rest and stem(rest) in other_stems and stem(rest) not in one_stems:
                if stem(word) not in other_stems:
                    out.append(f"{word!r} is the opposite of {other}'s {rest!r}")
    return list(dict.fromkeys(out))


@lru_cache(maxsize=1 << 16)
def _unprefixed(word: str) -> str | None:
    """The word without a negating prefix ('unwilling' -> 'willing', 'impossible' ->
    'possible'), if it has one. 'un-' and 'non-' negate any word; 'in-', 'im-', 'il-',
    'ir-' and 'dis-' only adjectives of the usual endings ('inaccurate', 'dishonest')."""
    for prefix in ("un", "non"):
        rest = word[len(prefix) :].lstrip("-")
        if word.startswith(prefix) and len(rest) >= 4:
            return rest
    for prefix in ("in", "im", "il", "ir", "dis"):
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= 4 and re.search(_ADJECTIVE, rest):
            return rest
    return None


def _stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]


@lru_cache(maxsize=1 << 14)
def _negated(text: str) -> frozenset[str]:
    """Stems of the words negators reach: the first content word after each negator
    (cached, as ``_senses``: a quote is compared with every claim of every answer citing it)."""
    out: set[str] = set()
    folded = fold(text)
    for match in _NEGATOR.finditer(folded):
        following = _TOKEN.findall(folded[match.end() :])[:NEGATION_REACH]
        for word in following:
            base = word.replace("’", "'").split("'")[0]
            if base not in STOPWORDS and not _NEGATOR.fullmatch(word):
                out.add(stem(word))
                break
    return frozenset(out)


@lru_cache(maxsize=1 << 14)
def _senses(text: str) -> tuple[tuple[str, str, bool], ...]:
    """(verb class, the thing it is about, negative?) for each classed verb: 'would not
    turn down a meeting' -> ('accept', 'meet', False)."""
    folded = fold(text)
    found: list[tuple[int, int, str, bool]] = []
    for pattern, (cls, negative) in _PHRASES:
        for m in pattern.finditer(folded):
            found.append((m.start(), m.end(), cls, negative))
    taken = [(a, b) for a, b, _, _ in found]
    for m in _TOKEN.finditer(folded):
        hit = _CLASSES.get(stem(m.group()))
        if hit and not any(a <= m.start() < b for a, b in taken):
            found.append((m.start(), m.end(), hit[0], hit[1]))
    out = []
    for start, end, cls, negative in found:
        before = folded[max(0, start - 30) : start]
        if _NEGATOR.search(" ".join(_TOKEN.findall(before)[-NEGATION_REACH:])):
            negative = not negative
        after = [w for w in _TOKEN.findall(folded[end:])[:5] if w not in STOPWORDS and w != "to"]
        if after:
            out.append((cls, stem(after[0]), negative))
    return tuple(out)
