"""Attribution: who a sentence says is speaking. Verbs of saying ('said', 'told', 'according
to'), the names of the clause before them or right after them, a pronoun speaker ('he
said'), a role ('officials said'), and quotations. English syntax only, no names.
"""

from __future__ import annotations

import re

from service.grounding.mentions import Casing, mentions_name, names
from service.text import fold, stem

# Verbs that attribute a statement to a speaker.
ATTRIBUTION = (
    r"(?:said|says|say|told|tells|added|adds|noted|notes|stressed|argued|warned|suggested|"
    r"insisted|called|described|dismissed|accused|claimed|denied|urged|asked|wrote|"
    r"announced|stated|declared|reiterated|explained|believes|concluded|pointed out|"
    r"went on to say|according to|responded|replied|criticized|criticised|praised|"
    r"rejected|doubled down|cast|views?|sees?)"
)
PRONOUN_SPEAKER = re.compile(rf"\b(?:he|she|they)\s+(?:\w+\s+)?{ATTRIBUTION}\b", re.I)

ATTRIBUTED = re.compile(rf"\b{ATTRIBUTION}\b", re.IGNORECASE)
_CLAUSE_START = re.compile(r"[.;:“”\"]")


def speakers(text: str, casing: Casing | None = None) -> list[str]:
    """The names a sentence attributes speech to: the names of the clause before a verb of
    saying ('Lavrov also said', 'John Kirby, a spokesman, suggested'), and a name right
    after one ('said Lavrov'). ``casing`` (its article's) tells whether a capitalised word
    opening the sentence is a name ('Trump, who takes office ..., said')."""
    found = names(text, casing)
    out: list[str] = []
    for verb in ATTRIBUTED.finditer(text):
        starts = [m.end() for m in _CLAUSE_START.finditer(text, 0, verb.start())]
        clause_start = starts[-1] if starts else 0
        before = [
            n.text
            for n in found
            if clause_start <= n.start
            and n.end <= verb.start()
            and not re.search(r"['’]s$", n.text)  # 'Trump's envoy' is not Trump
        ]
        after = [n.text for n in found if 0 <= n.start - verb.end() <= 25]
        # The name right before the verb speaks, however many names the clause holds before
        # it ('Talks ... between Ukraine and Russia, Price added').
        adjacent = [
            n.text
            for n in found
            if n.text in before
            and re.fullmatch(r"\s*(?:\w+ly\s+|also\s+)?", text[n.end : verb.start()])
        ]
        out += adjacent[-1:] + before[:2] + after[:1]
    return list(dict.fromkeys(out))


def role_speaks(text: str, role: str) -> bool:
    """Whether a role noun ('officials') is the subject of a verb of saying in ``text``, or,
    when no one is said to speak, the subject of the sentence ('Officials expect ...')."""
    folded = fold(text)
    wanted = stem(role)
    attributed = False
    for verb in ATTRIBUTED.finditer(folded):
        attributed = True
        starts = [m.end() for m in _CLAUSE_START.finditer(folded, 0, verb.start())]
        clause = folded[starts[-1] if starts else 0 : verb.start()]
        # The speaker after the verb: 'according to officials', '..., said officials'.
        inverted = verb.group(0).startswith("according") or re.search(
            r"[,”\"]\s*$", folded[: verb.start()]
        )
        after = re.findall(r"[^\W_]+", folded[verb.end() : verb.end() + 25])[:3]
        if wanted in {stem(w) for w in re.findall(r"[^\W_]+", clause)} or (
            inverted and wanted in {stem(w) for w in after}
        ):
            return True
    return not attributed and subject_is(text, role)


def role_holders(context: str, role: str, casing: Casing | None = None) -> list[str]:
    """The names an article gives a role noun, by apposition: '<role> Ned Price' or 'Ned
    Price, a <role> ...'. Roles match by stem or by a shared first six letters, so that
    'spokesman' finds 'spokesperson'."""
    out: list[str] = []
    for name in names(context, casing):
        before = re.findall(r"[^\W_]+", fold(context[max(0, name.start - 30) : name.start]))
        after = context[name.end : name.end + 50]
        behind = re.findall(r"[^\W_]+", fold(after))[:3] if after.startswith(",") else []
        if (before and _same_role(before[-1], role)) or any(_same_role(w, role) for w in behind):
            out.append(name.text)
    return list(dict.fromkeys(out))


def _same_role(word: str, role: str) -> bool:
    if stem(word) == stem(role):
        return True
    return len(word) >= 6 and len(role) >= 6 and word[:6] == role[:6]


def subject_is(text: str, name: str) -> bool:
    """Whether ``name`` is among the first words of ``text`` (its subject, roughly)."""
    opening = " ".join(re.findall(r"[^\W_][\w'’.-]*", text)[:6])
    return bool(opening) and mentions_name(name, opening)


def quoted(text: str) -> bool:
    """Whether ``text`` holds a quotation of some length."""
    return bool(re.search(r"[“\"][^”\"]{12,}", text))
