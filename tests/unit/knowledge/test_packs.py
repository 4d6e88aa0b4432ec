"""Admin question packs: the documented YAML format loads; mistakes name file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.model import Difficulty
from knowledge.packs import PACKS_DIR, PackError, default_pack_paths, load_packs

EXAMPLE = PACKS_DIR / "examples" / "cnn-extras.yaml"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(paths: list[Path], **kwargs: object) -> list[str]:
    with pytest.raises(PackError) as caught:
        load_packs(paths, **kwargs)  # type: ignore[arg-type]
    return caught.value.problems


def test_shipped_example_loads_but_is_not_loaded_by_default() -> None:
    questions = load_packs([EXAMPLE])
    assert len(questions) == 3
    first = questions[0]
    assert first.source == "pack:cnn-extras" and first.ref == "X1"
    assert first.difficulty is Difficulty.MEDIUM
    assert first.concepts == ("one-by-one-convolution", "inception")
    assert questions[1].ref == "P2"
    assert EXAMPLE not in default_pack_paths()


def test_default_paths_are_the_yaml_files_directly_in_the_directory(tmp_path: Path) -> None:
    (tmp_path / "examples").mkdir()
    _write(tmp_path / "examples", "x.yaml", "[]")
    b, a = _write(tmp_path, "b.yaml", "[]"), _write(tmp_path, "a.yml", "[]")
    _write(tmp_path, "notes.md", "# not a pack")
    assert default_pack_paths(tmp_path) == [a, b]


def test_bare_list_pack_takes_its_id_from_the_file_name(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "quick.yaml",
        "- text: What is   stride?\n  answer: |\n    The step of the kernel.\n    In pixels.\n",
    )
    (question,) = load_packs([path])
    assert question.source == "pack:quick" and question.ref == "P1"
    assert question.text == "What is stride?"
    assert question.answer == "The step of the kernel.\nIn pixels."
    assert question.difficulty is None and question.concepts == ()


def test_each_mistake_names_file_line_and_what_is_wrong(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "mine.yaml",
        """id: mine
questions:
  - text: What is padding?
    answer: Extra border pixels.
  - text: What is pooling?
  - text: What is dropout?
    answer: Randomly zeroing units.
    difficulty: expert
  - text: What is a kernel?
    anwser: A small weight matrix.
  - text: "   "
    answer: 42
    concepts: [Batch Norm]
""",
    )
    assert _problems([path]) == [
        f"{path}:5: question 2: missing 'answer'",
        f"{path}:8: question 3: 'difficulty' must be one of easy, medium, hard (got 'expert')",
        f"{path}:9: question 4: missing 'answer'",
        f"{path}:10: question 4: unknown key 'anwser' (allowed: text, answer, difficulty, "
        "concepts, ref)",
        f"{path}:11: question 5: 'text' is empty",
        f"{path}:13: question 5: 'Batch Norm' is not a concept id (like 'skip-connection')",
    ]


def test_unknown_concepts_are_reported_when_the_ontology_is_given(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "c.yaml",
        "- text: Why ResNet?\n  answer: Depth.\n  concepts:\n    - resnet\n    - skip-conection\n",
    )
    assert load_packs([path])[0].concepts == ("resnet", "skip-conection")
    assert _problems([path], concept_ids={"resnet", "skip-connection"}) == [
        f"{path}:5: question 1: unknown concept 'skip-conection'"
    ]


def test_repeated_refs_texts_and_keys_are_reported(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "dup.yaml",
        """- text: What is ReLU?
  answer: max(0, x).
  ref: A
- text: what is relu?
  answer: The rectifier.
  ref: A
  ref: B
""",
    )
    assert _problems([path]) == [
        f"{path}:4: ref 'A' already used on line 1",
        f"{path}:4: same question text as line 1",
        f"{path}:7: question 2: key 'ref' given twice",
    ]


def test_yaml_syntax_error_gives_its_line_and_all_files_are_checked(tmp_path: Path) -> None:
    broken = _write(tmp_path, "broken.yaml", "- text: What is stride?\n  answer: [unclosed\n")
    empty = _write(tmp_path, "empty.yaml", "")
    wrong = _write(tmp_path, "wrong.yaml", "questions: {text: Q}\n")
    problems = _problems([broken, empty, wrong])
    assert len(problems) == 3
    assert problems[0].startswith(f"{broken}:3: not valid YAML")
    assert problems[1] == f"{empty}:1: pack is empty; expected a list of questions"
    assert problems[2] == f"{wrong}:1: 'questions' must be a list"
    assert "3 problems in question packs" in str(PackError(problems))


def test_two_packs_with_the_same_id_are_rejected(tmp_path: Path) -> None:
    one = _write(tmp_path, "one.yaml", "id: shared\nquestions:\n  - {text: What is A, answer: a}\n")
    two = _write(tmp_path, "two.yaml", "id: shared\nquestions:\n  - {text: What is B, answer: b}\n")
    assert _problems([one, two]) == [f"{two}:1: pack id 'shared' is also used by {one}"]


def test_a_pack_that_is_not_utf8_or_nests_absurdly_gives_file_line(tmp_path: Path) -> None:
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("- text: What is a caf\u00e9?\n  answer: A place.\n".encode("latin-1"))
    deep = _write(tmp_path, "deep.yaml", "- text: Q\n  answer: " + "[" * 5000 + "]" * 5000 + "\n")
    assert _problems([latin, deep]) == [
        f"{latin}:1: not UTF-8 text (byte 21)",
        f"{deep}:1: nested more than 50 levels deep",
    ]
