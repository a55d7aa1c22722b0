"""Broken rule files: each gives a located message through ``sidos mappings check``.

The files in ``broken/`` start with ``# expect: LINE:COLUMN: text``; the check must
print ``<file>:LINE:COLUMN: `` followed by a message containing ``text``, exit with 1,
and never show a traceback. More broken files are generated below where a static file
cannot hold the fault (bytes that are not UTF-8, a huge file).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sync.commands.mappings import app

BROKEN = Path(__file__).parent / "broken"
EXPECT = re.compile(r"^# expect: (\d+):(\d+): (.+)$")
runner = CliRunner()


def run_check(path: Path) -> tuple[int, str]:
    """Run ``sidos mappings check PATH``; return the exit code and all output."""
    result = runner.invoke(app, ["check", str(path)])
    return result.exit_code, result.output


def assert_located(output: str, path: Path, line: int, column: int, text: str) -> None:
    """Assert that one output line is the located problem expected."""
    prefix = f"{path}:{line}:{column}: "
    found = [row for row in output.splitlines() if row.startswith(prefix)]
    assert any(text in row for row in found), f"no {prefix}…{text} in:\n{output}"
    assert "Traceback" not in output


def broken_files() -> list[Path]:
    """Return the static corpus of broken files."""
    return sorted(BROKEN.glob("*.yaml"))


def test_broken_corpus_holds_at_least_thirty_files() -> None:
    """The corpus covers many kinds of mistakes."""
    files = broken_files()

    assert len(files) >= 30


@pytest.mark.parametrize("path", broken_files(), ids=lambda path: path.stem)
def test_check_broken_file_prints_located_problem_and_exits_1(path: Path) -> None:
    """Each broken file gives its expected message at its line and column."""
    expected = EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert expected is not None, f"{path.name} lacks its # expect: line"

    code, output = run_check(path)

    assert code == 1
    assert_located(
        output, path, int(expected[1]), int(expected[2]), expected[3].strip()
    )


def test_check_bytes_not_utf8_locates_the_byte(tmp_path: Path) -> None:
    """A Latin-1 ä is reported at its line and column, with how to save the file."""
    path = tmp_path / "latin1.yaml"
    path.write_bytes(
        "rules:\n  - name: Hämeen\n    category: customer\n".encode("latin-1")
    )

    code, output = run_check(path)

    assert code == 1
    assert_located(output, path, 2, 12, "byte 0xe4 is not UTF-8 text")


def test_check_control_character_is_located(tmp_path: Path) -> None:
    """A NUL character pasted into the file is found and located."""
    path = tmp_path / "nul.yaml"
    path.write_text(
        "rules:\n  - name: a\x00\n    category: customer\n", encoding="utf-8"
    )

    code, output = run_check(path)

    assert code == 1
    assert_located(output, path, 2, 12, "control character U+0000")


def test_check_huge_file_with_one_mistake_locates_it(tmp_path: Path) -> None:
    """A file of 20,000 rules is read, and its one bad category is located."""
    rules = [
        f'  - {{name: r{i}, when: {{field: industry_code, equals: "{i:05d}"}}, '
        "category: customer}"
        for i in range(20_000)
    ]
    rules[-1] = rules[-1].replace("category: customer", "category: custmer")
    column = rules[-1].index("custmer") + 1
    path = tmp_path / "huge.yaml"
    path.write_text("rules:\n" + "\n".join(rules) + "\n", encoding="utf-8")

    code, output = run_check(path)

    assert code == 1
    assert_located(output, path, 20_001, column, "unknown category 'custmer'")


def test_check_conditions_nested_too_deep_are_refused(tmp_path: Path) -> None:
    """Hundreds of nested ``not`` are refused before they are validated."""
    condition = "{field: name, exists: true}"
    for _ in range(300):
        condition = "{not: " + condition + "}"
    path = tmp_path / "deep.yaml"
    path.write_text(
        f"rules:\n  - name: deep\n    when: {condition}\n    category: customer\n",
        encoding="utf-8",
    )

    code, output = run_check(path)

    assert code == 1
    assert "the conditions nest more than 64 levels deep" in output


def test_check_missing_file_says_file_not_found(tmp_path: Path) -> None:
    """A mistyped path is reported as such."""
    path = tmp_path / "mapings.yaml"

    code, output = run_check(path)

    assert code == 1
    assert_located(output, path, 1, 1, "file not found")


def test_check_directory_instead_of_file_is_refused(tmp_path: Path) -> None:
    """A directory given as the rule file is reported, not crashed on."""
    code, output = run_check(tmp_path)

    assert code == 1
    assert_located(output, tmp_path, 1, 1, "this is a directory, not a file")


def test_check_windows_line_endings_and_bom_are_accepted(tmp_path: Path) -> None:
    """A file saved by Notepad (BOM, CRLF) is valid YAML and passes."""
    path = tmp_path / "notepad.yaml"
    path.write_bytes(b"\xef\xbb\xbfrules:\r\n  - name: a\r\n    category: customer\r\n")

    code, output = run_check(path)

    assert code == 0, output
    assert "No problems found" in output
