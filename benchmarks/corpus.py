"""A seeded generator of a news-like corpus: headlines, outlets, datelines, bylines, quotes,
names, numbers and dates, some in sidecar ``.meta.json`` files, some undated.

    .venv/bin/python -m benchmarks.corpus OUT_DIR --chunks 10000 [--seed 7]

writes ``OUT_DIR/articles/`` (the files to ingest) and ``OUT_DIR/probes.json``.
The same seed and size always give the same files. Each article is about 3,300 characters
(about five chunks at the default chunk size). A few "probe" articles carry one fact found
nowhere else; ``probes.json`` lists a question for each with the document that answers it,
so retrieval can be scored (hit@k) on a corpus of any size.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

OUTLETS = [
    ("Reuters", "({outlet}) -"),
    ("AP", "({outlet}) —"),
    ("AFP", "({outlet}) -"),
    ("TASS", "/{outlet}/."),
    ("Xinhua", "({outlet}) --"),
    ("The Ledger", "—"),
    ("Northern Courier", "—"),
    ("Harbour Times", "-"),
]
CITIES = [
    "MOSCOW", "KYIV", "WASHINGTON", "BRUSSELS", "BEIJING", "LONDON", "PARIS", "BERLIN",
    "ANKARA", "NAIROBI", "LAGOS", "CAIRO", "TOKYO", "SEOUL", "NEW DELHI", "BRASILIA",
    "OTTAWA", "MADRID", "ROME", "WARSAW", "GENEVA", "VIENNA", "JAKARTA", "MANILA",
]  # fmt: skip
FIRST = [
    "Anna", "Boris", "Carla", "Dmitri", "Elena", "Farid", "Grace", "Hiroshi", "Ines", "Jonas",
    "Kemal", "Lucia", "Marek", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sergei", "Tomas",
    "Ursula", "Viktor", "Wen", "Yusuf", "Zofia", "Amara", "Bilal", "Chen", "Dara", "Emeka",
]  # fmt: skip
LAST = [
    "Petrova", "Okafor", "Lindqvist", "Haddad", "Moreau", "Tanaka", "Kowalski", "Osei",
    "Novak", "Fernandes", "Brandt", "Yilmaz", "Ivanova", "Mensah", "Castillo", "Sato",
    "Rahman", "Keller", "Dubois", "Kovacs", "Nakamura", "Alvarez", "Sorensen", "Mwangi",
]  # fmt: skip
ROLES = [
    "Foreign Minister", "Finance Minister", "central bank governor", "opposition leader",
    "Defence Minister", "Health Minister", "mayor", "chief executive", "spokeswoman",
    "spokesman", "trade envoy", "energy minister", "union leader", "prosecutor",
]  # fmt: skip
TOPICS = {
    "economy": (
        [
            "inflation",
            "interest rates",
            "the budget deficit",
            "bond yields",
            "exports",
            "the currency",
            "wage growth",
            "fuel prices",
            "public debt",
            "tax revenue",
        ],
        ["rose", "fell", "stabilised", "surged", "slowed", "edged up", "dropped sharply"],
    ),
    "diplomacy": (
        [
            "the peace talks",
            "the ceasefire",
            "the sanctions",
            "the summit",
            "the treaty",
            "the prisoner exchange",
            "the trade agreement",
            "the border dispute",
        ],
        ["stalled", "resumed", "collapsed", "advanced", "were postponed", "were welcomed"],
    ),
    "climate": (
        [
            "the flood defences",
            "the drought",
            "the wildfire season",
            "carbon emissions",
            "the heatwave",
            "the new wind farm",
            "the glacier retreat",
            "the rainfall",
        ],
        ["worsened", "eased", "broke records", "was contained", "spread", "was approved"],
    ),
    "health": (
        [
            "the vaccination campaign",
            "hospital waiting lists",
            "the outbreak",
            "the drug shortage",
            "the clinic closures",
            "the screening programme",
        ],
        ["expanded", "was suspended", "improved", "deteriorated", "was extended"],
    ),
    "sport": (
        [
            "the championship",
            "the transfer window",
            "the stadium project",
            "the final",
            "the doping inquiry",
            "the qualifying round",
        ],
        ["ended in controversy", "drew record crowds", "was delayed", "went ahead"],
    ),
    "technology": (
        [
            "the chip factory",
            "the data protection law",
            "the satellite launch",
            "the broadband rollout",
            "the cyber attack",
            "the antitrust case",
        ],
        ["was unveiled", "was blocked", "moved forward", "faced criticism", "was completed"],
    ),
}
PROBE_THINGS = [
    "bridge", "tunnel", "railway line", "port", "airport terminal", "power plant",
    "desalination plant", "hospital", "dam", "metro line", "solar park", "ring road",
]  # fmt: skip
PLACE_HEADS = ["Vel", "Mar", "Tor", "Kes", "Lun", "Bra"]
PLACE_TAILS = ["ova", "ington", "heim", "avik", "ora"]
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "du"]
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
ARTICLES = "articles"  # the folder to ingest, beside probes.json
# Characters one chunk advances at the default settings (800 long, 150 overlap).
CHUNK_STEP = 650


@dataclass(frozen=True)
class Probe:
    """A question answered by exactly one generated article."""

    question: str
    doc_id: str
    answer: str


def _syllables(n: int) -> str:
    """A made-up word part unique to ``n``: its decimal digits as syllables."""
    return "".join(SYLLABLES[int(d)] for d in str(n))


def _person(rng: random.Random) -> tuple[str, str]:
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    return name, rng.choice(ROLES)


def _sentence(rng: random.Random, topic: str, city: str) -> str:
    things, moves = TOPICS[topic]
    thing, move = rng.choice(things), rng.choice(moves)
    name, role = _person(rng)
    n = rng.randint(2, 97)
    match rng.randrange(7):
        case 0:
            return f"Officials in {city.title()} said {thing} {move} by {n} percent this quarter."
        case 1:
            return (
                f"“We will not accept {thing} as it stands,” {role} {name} told reporters, "
                f"adding that talks would continue next week."
            )
        case 2:
            when = f"{rng.choice(MONTHS)} {n % 28 + 1}"
            return f"According to figures published on {when}, {thing} {move}."
        case 3:
            return (
                f"{name}, the {role}, said the government had set aside {n * 10} million "
                f"for {thing}."
            )
        case 4:
            return (
                f"Critics argued that {thing} {move} because of decisions taken in {n + 1920}, "
                f"long before the current crisis."
            )
        case 5:
            return (
                f"Analysts at a {city.title()} institute expect {thing} to be discussed "
                f"again in {rng.choice(MONTHS)}."
            )
        case _:
            return (
                f"“This is a turning point,” said {name}. “People here have waited {n} years "
                f"for {thing}.”"
            )


def article(rng: random.Random, i: int, probe: bool) -> tuple[str, dict[str, object], Probe | None]:
    """One article's text, its sidecar metadata (maybe empty), and its probe if any."""
    outlet, marker = rng.choice(OUTLETS)
    city = rng.choice(CITIES)
    topic = rng.choice(sorted(TOPICS))
    day = date(2015, 1, 1) + timedelta(days=rng.randrange(3650))
    things, moves = TOPICS[topic]
    headline = f"{rng.choice(things).capitalize()} {rng.choice(moves)} in {city.title()}"
    author = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    dated_in_text = rng.random() < 0.4
    lead = _sentence(rng, topic, city)
    if dated_in_text:
        lead = lead.rstrip(".") + f" on {MONTHS[day.month - 1]} {day.day}, {day.year}."
    lines = [headline, "", f"By {author}", f"{city} {marker.format(outlet=outlet)} {lead}"]
    found: Probe | None = None
    body: list[str] = []
    while sum(len(s) + 1 for s in body) < rng.randint(2600, 4000):
        body.append(_sentence(rng, topic, city))
    if probe:
        name, role = _person(rng)
        thing = rng.choice(PROBE_THINGS)
        place = f"{rng.choice(PLACE_HEADS)}{rng.choice(PLACE_TAILS)}{_syllables(i)}"
        cost = rng.randint(101, 989)
        fact = (
            f"{name}, the {role} of {place}, said the new {thing} in {place} would cost "
            f"{cost} million euros and open within three years."
        )
        body.insert(rng.randrange(len(body) + 1), fact)
        question = f"How much will the new {thing} in {place} cost?"
        found = Probe(question, f"a{i:06d}", f"{cost} million")
    lines.append(" ".join(body[: len(body) // 2]))
    lines.append(" ".join(body[len(body) // 2 :]))
    meta: dict[str, object] = {}
    roll = rng.random()
    if roll < 0.5:
        meta = {"source": outlet, "published": day.isoformat()}
    elif roll < 0.7:
        meta = {"source": outlet}  # undated: only a date in the text, or none at all
    return "\n".join(lines) + "\n", meta, found


def estimated_chunks(text: str) -> int:
    return max(1, -(-(len(text) - 150) // CHUNK_STEP))


def generate(out: Path, chunks: int, seed: int = 7, probes: int = 40) -> list[Probe]:
    """Write about ``chunks`` chunks' worth of articles under ``out``; returns the probes."""
    rng = random.Random(seed)
    articles = out / ARTICLES
    articles.mkdir(parents=True, exist_ok=True)
    total, i = 0, 0
    found: list[Probe] = []
    # Spread the probes evenly over the corpus (about 5 chunks an article).
    every = max(1, chunks // 5 // probes)
    while total < chunks:
        text, meta, probe = article(rng, i, probe=i % every == every // 2 and len(found) < probes)
        stem = f"a{i:06d}"
        (articles / f"{stem}.txt").write_text(text, encoding="utf-8")
        if meta:
            (articles / f"{stem}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
        if probe:
            found.append(probe)
        total += estimated_chunks(text)
        i += 1
    (out / "probes.json").write_text(
        json.dumps([p.__dict__ for p in found], indent=1), encoding="utf-8"
    )
    return found


def load_probes(folder: Path) -> list[Probe]:
    return [Probe(**p) for p in json.loads((folder / "probes.json").read_text("utf-8"))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--chunks", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    probes = generate(args.out, args.chunks, args.seed)
    print(f"wrote {len(list((args.out / ARTICLES).glob('*.txt')))} articles, {len(probes)} probes")


if __name__ == "__main__":
    main()
