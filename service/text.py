"""The one text toolkit of the read side: folding, words, stems, stopwords, content words,
and the terms the keyword index searches.

Unicode-aware throughout: 'Erdoğan' folds to 'erdogan' and stays one word. Stems come from
the Snowball English stemmer (PyStemmer), the stopwords from NLTK's English list as bm25s
ships it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
# A word: letters and digits, inner apostrophes kept ("don't", "russia's").
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# Search terms: dotted acronyms (u.s.), numbers with separators (1,000; 2.5), words.
_TERM = re.compile(r"(?<![^\W_])(?:[^\W\d_]\.){2,}|\d+(?:[.,]\d+)*|[^\W_]+(?:'[^\W_]+)*")

# Function words (NLTK's English list, as bm25s ships it; "won" is a verb here, not the
# tail of "won't"), plus the modal and title words that carry no topic.
STOPWORDS = (frozenset(STOPWORDS_EN_PLUS) - {"won"}) | frozenset(
    "would could also may might must shall mr mrs ms since besides despite however meanwhile "
    "moreover although though unless whether whereas instead among amid toward towards within "
    "upon across along around beyond yet regarding concerning".split()
)
# Verbs of saying: every news sentence has one, so they say nothing about its topic.
REPORTING = frozenset(
    "say says said saying tell tells told telling according added adds noted notes stressed "
    "stresses".split()
)

_STEMMER = Stemmer.Stemmer("english")
# Irregular past forms of common verbs, to their base: 'met' is a form of 'meet'.
IRREGULAR = {
    past: base
    for base, forms in (
        ("meet", "met"), ("send", "sent"), ("win", "won"), ("lose", "lost"), ("hold", "held"),
        ("make", "made"), ("take", "took taken"), ("give", "gave given"), ("buy", "bought"),
        ("sell", "sold"), ("build", "built"), ("begin", "began begun"), ("run", "ran"),
        ("tell", "told"), ("leave", "left"), ("keep", "kept"), ("bring", "brought"),
        ("pay", "paid"), ("speak", "spoke spoken"), ("write", "wrote written"), ("lead", "led"),
        ("choose", "chose chosen"), ("become", "became"), ("fight", "fought"),
        ("strike", "struck"), ("rise", "rose risen"), ("fall", "fell fallen"),
        ("grow", "grew grown"), ("draw", "drew drawn"), ("see", "saw seen"), ("say", "said"),
        ("find", "found"), ("think", "thought"), ("catch", "caught"), ("shoot", "shot"),
        ("stand", "stood"), ("sit", "sat"), ("break", "broke broken"), ("drive", "drove driven"),
        ("fly", "flew flown"), ("throw", "threw thrown"), ("know", "knew known"),
        ("seek", "sought"), ("teach", "taught"), ("sing", "sang sung"), ("sink", "sank sunk"),
        ("swear", "swore sworn"), ("steal", "stole stolen"), ("freeze", "froze frozen"),
    )
    for past in forms.split()
}  # fmt: skip


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower case, straight apostrophes, accents removed ('Erdoğan' -> 'erdogan')."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """Folded word tokens, possessives kept ('russia's')."""
    return _WORD.findall(fold(text))


@lru_cache(maxsize=131072)
def stem(word: str) -> str:
    """The Snowball stem of a folded word, possessive dropped: 'negotiations' -> 'negoti'."""
    if word.endswith("'s"):
        word = word[:-2]
    word = IRREGULAR.get(word, word)
    return str(_STEMMER.stemWord(word.replace("'", "")))


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning: no stopwords, no verbs of saying, no
    one-letter tokens."""
    return list(_content_stems(text))


@lru_cache(maxsize=1 << 16)
def _content_stems(text: str) -> tuple[str, ...]:
    """``content_stems``, cached: the grounding rules ask it of the same sentences often."""
    return tuple(
        stem(w) for w in words(text) if w not in STOPWORDS and w not in REPORTING and len(w) > 1
    )


def lexical_recall(claim: str, evidence: str) -> float:
    """Share of the claim's content stems that the evidence contains (0 when none)."""
    wanted = set(content_stems(claim))
    if not wanted:
        return 0.0
    return len(wanted & set(content_stems(evidence))) / len(wanted)


def search_terms(text: str) -> list[str]:
    """What the keyword index indexes and searches: folded words without stopwords,
    stemmed; numbers without separators (1,000 -> 1000); acronyms without dots (u.s. -> us)."""
    terms: list[str] = []
    for match in _TERM.finditer(fold(text)):
        token = match.group()
        if token[0].isdigit():
            terms.append(token.replace(",", ""))
        elif "." in token:
            terms.append(token.replace(".", ""))
        elif token not in STOPWORDS:
            stemmed = stem(token)
            if stemmed and stemmed not in STOPWORDS:
                terms.append(stemmed)
    return terms
