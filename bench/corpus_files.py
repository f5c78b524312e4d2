"""Where the real-world BPMN corpus is, and its files (shared by bench/bpmn_corpus.py and
tests/corpus/): CASEWORK_BPMN_CORPUS, else ../shared/bpmn-corpus beside this checkout, else beside
the checkout it was cloned from (a CI clone of a local repository)."""

from __future__ import annotations

import csv
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def corpus_dir() -> Path | None:
    candidates = []
    if os.environ.get("CASEWORK_BPMN_CORPUS"):
        candidates.append(Path(os.environ["CASEWORK_BPMN_CORPUS"]))
    candidates.append(ROOT.parent / "shared" / "bpmn-corpus")
    try:
        origin = subprocess.run(  # noqa: S603  # a fixed command, no user input
            ["/usr/bin/git", "-C", str(ROOT), "config", "--get", "remote.origin.url"],
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        origin = ""
    if origin.startswith("/"):
        candidates.append(Path(origin).resolve().parent / "shared" / "bpmn-corpus")
    return next((c for c in candidates if (c / "results.tsv").is_file()), None)


def corpus_files(root: Path) -> list[Path]:
    """The corpus's diagrams, as its results.tsv lists them (1,106 files)."""
    with (root / "results.tsv").open(newline="", encoding="utf-8") as handle:
        names = sorted({row["file"] for row in csv.DictReader(handle, delimiter="\t")})
    return [root / name for name in names]
