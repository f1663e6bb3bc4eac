"""Where the cases of a run come from: a YAML question set with the corpus it names, or RGB
read from the shared benchmarks folder. ``resolve`` turns a dataset name into suites."""

from __future__ import annotations

from pathlib import Path

from evals import rgb
from evals.schema import DATASETS, Dataset, DatasetError, Suite, load_dataset
from ingest.loaders import find_files, load_file
from ingest.model import Article


def load_corpus(folder: Path, max_bytes: int) -> list[Article]:
    """Every article under ``folder``, read as ``python -m ingest`` reads it."""
    files, failed = find_files([folder])
    if failed:
        raise DatasetError(failed[0].where, None, f"cannot read the corpus: {failed[0].reason}")
    return [article for path in files for article in load_file(path, max_bytes)]


def yaml_suite(path: Path, limit: int | None, max_bytes: int) -> tuple[Dataset, Suite]:
    """A YAML question set and the corpus folder it names."""
    dataset = load_dataset(path).limited(limit)
    corpus = dataset.corpus_path(path)
    if corpus is None:
        raise DatasetError(str(path), None, "the dataset names no 'corpus' folder to index")
    return dataset, Suite(dataset.name, dataset.cases, load_corpus(corpus, max_bytes))


# Names that stand for several question sets: dev and test splits reported side by side.
GROUPS = {
    "demo": ("demo-dev", "demo-fresh-dev", "demo-test"),
    "dated": ("dated-dev", "dated-test"),
}


def resolve(
    name: str, limit: int | None, max_bytes: int, rgb_path: Path
) -> tuple[str, list[Suite]]:
    """``demo`` (demo-dev, demo-fresh-dev and demo-test), ``dated``, a set's name under
    ``evals/datasets``, a YAML path, ``rgb``, ``rgb:<mode>`` or ``rgb:<mode>:<dev|test>`` ->
    (label, suites)."""
    if name == "rgb" or name.startswith("rgb:"):
        parts = name.split(":")
        modes = rgb.MODES if len(parts) == 1 or parts[1] == "" else (parts[1],)
        split = parts[2] if len(parts) > 2 else None
        return name, rgb.suites(rgb_path, modes, limit, split)
    names = GROUPS.get(name, (name,))
    suites = []
    for each in names:
        path = DATASETS / f"{each}.yaml" if (DATASETS / f"{each}.yaml").is_file() else Path(each)
        dataset, suite = yaml_suite(path, limit, max_bytes)
        suites.append(suite)
    return name, suites
