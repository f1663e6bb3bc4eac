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


def resolve(
    name: str, limit: int | None, max_bytes: int, rgb_path: Path
) -> tuple[str, list[Suite]]:
    """``demo``, a YAML path, ``rgb`` or ``rgb:<mode>`` -> (label, suites)."""
    if name == "rgb" or name.startswith("rgb:"):
        modes = rgb.MODES if name == "rgb" else (name.split(":", 1)[1],)
        return name, rgb.suites(rgb_path, modes, limit)
    path = DATASETS / "demo.yaml" if name == "demo" else Path(name)
    dataset, suite = yaml_suite(path, limit, max_bytes)
    return dataset.name, [suite]
