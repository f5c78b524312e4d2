"""The type checker sees all of the product's code, and what it is told to overlook is said.

`make test` and `make lint` run mypy on app/ with no errors allowed. That is worth only as much
as what mypy is told to skip, so: every `# type: ignore` names the error codes it silences and
says why after them (`# type: ignore[attr-defined]  # Flask types the proxy as the app`); no
file or function turns checking off (`# mypy:` comments, `@no_type_check`); and the settings
in pyproject.toml check app/ with no override that ignores errors in it.
"""

from __future__ import annotations

import io
import re
import tokenize
import tomllib

import pytest

from app.config import ROOT

IGNORE = re.compile(r"type:\s*ignore", re.IGNORECASE)
# "# type: ignore[code, code]", two spaces, "# ", then the reason in words.
EXPLAINED = re.compile(r"#\s*type: ignore\[[a-z][a-z0-9-]*(?:, ?[a-z][a-z0-9-]*)*\]  # \w.{4,}")
CHECKED = ("app", "forms")


def unexplained(source: str) -> list[str]:
    """The comments in `source` that make mypy overlook something without saying what and why."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.NAME and token.string == "no_type_check":
            found.append(f"line {token.start[0]}: no_type_check turns checking off")
        if token.type != tokenize.COMMENT:
            continue
        comment, line = token.string, token.start[0]
        if re.match(r"#\s*mypy:", comment):
            found.append(f"line {line}: {comment} (say it in pyproject.toml [tool.mypy], or fix the code)")
        elif IGNORE.search(comment) and not EXPLAINED.fullmatch(comment):
            found.append(f"line {line}: {comment}")
    return found


@pytest.mark.parametrize(
    "line",
    [
        "x = f()  # type: ignore",
        "x = f()  # type: ignore[attr-defined]",
        "x = f()  # type: ignore[attr-defined]  #",
        "x = f()  # type: ignore[attr-defined]  # ok",
        "x = f()  # type: ignore  # the stubs are wrong",
        "x = f()  # type:ignore[attr-defined]  # the stubs are wrong",
        "x = f()  # why not  # type: ignore[misc]",
        "# mypy: ignore-errors",
        "# mypy: disable-error-code=arg-type",
        "@no_type_check\ndef f(): pass",
        "@typing.no_type_check\ndef f(): pass",
    ],
)
def test_an_ignore_without_its_code_and_reason_is_found(line: str) -> None:
    assert unexplained(line + "\n")


@pytest.mark.parametrize(
    "line",
    [
        "x = f()  # type: ignore[attr-defined]  # Flask types the proxy as the app",
        "x = f(**d)  # type: ignore[arg-type, call-arg]  # each a number, for the field it names",
        "x = 'type: ignore'  # a string, not a comment",
        "# The type checker reads the declarations below instead.",
    ],
)
def test_an_explained_ignore_or_plain_text_passes(line: str) -> None:
    assert unexplained(line + "\n") == []


def test_every_type_ignore_in_the_product_says_what_and_why() -> None:
    files = sorted(path for folder in CHECKED for path in (ROOT / folder).rglob("*.py"))
    assert any(path.name == "base.py" for path in files)
    problems = [
        f"{path.relative_to(ROOT)} {problem}"
        for path in files
        for problem in unexplained(path.read_text(encoding="utf-8"))
    ]
    assert not problems, "\n".join(problems)


def test_the_type_checker_is_set_to_check_all_of_app() -> None:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    # forms/ holds definitions as data now; Python put back there must be checked too.
    has_python = {folder: any((ROOT / folder).rglob("*.py")) for folder in CHECKED}
    assert set(settings["files"]) == {folder for folder, found in has_python.items() if found}
    assert settings["disallow_untyped_defs"] and settings["warn_unused_ignores"]
    for override in settings.get("overrides", []):
        modules = override["module"] if isinstance(override["module"], list) else [override["module"]]
        ours = [m for m in modules if m.split(".")[0] in CHECKED]
        assert not ours, f"pyproject.toml relaxes mypy for {', '.join(ours)}"
