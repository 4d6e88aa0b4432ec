"""The five shipped source documents load through their manifests into raw questions."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from knowledge.model import Difficulty, RawQuestion
from knowledge.sources import SOURCES_DIR, SourceError, load_raw_questions, load_sources

# Counted by reading each document (see the report in the manifests' comments).
EXPECTED_COUNTS = {
    "cnn100-md": 100,  # ### Q1 .. ### Q100
    "cnn-leveled": 59,  # Easy 1-20, Medium 1-19, Hard 1 + 21-39
    "cnn15-prose": 15,  # 30 paragraphs, two per answer
    "cnn50-qa": 46,  # "50" questions, but 31, 33, 42 and 48 do not exist
    "cnn-web-dump": 5,  # 3 answered + 2 bare questions before the site navigation
}
WEB_DUMP = "004_2f05e319ac35fcfb.txt"


@pytest.fixture(scope="module")
def raw() -> list[RawQuestion]:
    return load_raw_questions()


def _navigation_lines() -> list[str]:
    lines = (SOURCES_DIR / WEB_DUMP).read_text(encoding="utf-8").splitlines()
    start = lines.index("+21 interview questions")
    return [line for line in lines[start:] if line.strip()]


def test_five_sources_load_in_file_order_with_their_manifest_fields() -> None:
    docs = load_sources()
    assert [d.id for d in docs] == list(EXPECTED_COUNTS)
    assert [d.original_file[:3] for d in docs] == ["000", "001", "002", "003", "004"]
    for doc in docs:
        assert doc.title and doc.path.name == doc.original_file
        assert doc.text == doc.path.read_text(encoding="utf-8")


def test_counts_per_source_match_what_the_documents_hold(raw: list[RawQuestion]) -> None:
    assert Counter(q.source for q in raw) == EXPECTED_COUNTS


def test_answers_and_difficulty_labels_come_from_the_right_sources(
    raw: list[RawQuestion],
) -> None:
    answered = Counter(q.source for q in raw if q.answer)
    assert answered == {"cnn100-md": 100, "cnn15-prose": 15, "cnn50-qa": 46, "cnn-web-dump": 3}
    levels = Counter(q.difficulty for q in raw if q.difficulty)
    assert levels == {Difficulty.EASY: 20, Difficulty.MEDIUM: 19, Difficulty.HARD: 20}


def test_only_our_own_questions_are_marked_derived(raw: list[RawQuestion]) -> None:
    derived = [(q.source, q.ref) for q in raw if q.derived]
    assert [r for s, r in derived if s == "cnn50-qa"] == ["Q28", "Q29", "Q30", "Q39"]
    assert sum(s == "cnn15-prose" for s, _ in derived) == 15
    assert len(derived) == 19


def test_source_questions_read_exactly_as_in_their_document(raw: list[RawQuestion]) -> None:
    texts = {d.id: " ".join(d.text.split()) for d in load_sources()}
    missing = [(q.source, q.ref) for q in raw if not q.derived and q.text not in texts[q.source]]
    assert missing == []


def test_no_navigation_junk_and_no_empty_text(raw: list[RawQuestion]) -> None:
    navigation = _navigation_lines()
    assert "Python Basics" in navigation and "Start for free" in navigation
    everything = [q.text for q in raw] + [q.answer or "" for q in raw]
    assert [n for n in navigation if any(n in t for t in everything)] == []
    assert all(q.text.strip() for q in raw)


def test_no_question_keeps_numbering_debris(raw: list[RawQuestion]) -> None:
    debris = re.compile(r"^(Q\d|\d+[A-Za-z.]|[.,:;\s-])")
    assert [(q.source, q.ref, q.text) for q in raw if debris.match(q.text)] == []


def test_no_answer_line_starts_mid_sentence(raw: list[RawQuestion]) -> None:
    broken = []
    for q in raw:
        prose = re.sub(r"```.*?```", "", q.answer or "", flags=re.DOTALL)
        broken += [(q.source, q.ref, line) for line in prose.splitlines() if line[:1].islower()]
    assert broken == []  # page breaks in the original split five sentences in cnn50-qa


def test_refs_are_unique_within_each_source_and_loading_is_deterministic(
    raw: list[RawQuestion],
) -> None:
    keys = [(q.source, q.ref) for q in raw]
    assert len(set(keys)) == len(keys)
    assert load_raw_questions() == raw


def _copy_source(tmp_path: Path, stem: str, manifest: str) -> Path:
    (tmp_path / f"{stem}.txt").write_bytes((SOURCES_DIR / f"{stem}.txt").read_bytes())
    (tmp_path / f"{stem}.yaml").write_text(manifest, encoding="utf-8")
    return tmp_path


LEVELED = "001_88b9a46f4617a36d"
GOOD = f"id: lv\ntitle: Leveled\nformat: leveled_list\noriginal_file: {LEVELED}.txt\n"


def test_other_directory_loads_only_its_own_manifests(tmp_path: Path) -> None:
    raw = load_raw_questions(_copy_source(tmp_path, LEVELED, GOOD))
    assert len(raw) == 59 and {q.source for q in raw} == {"lv"}


@pytest.mark.parametrize(
    ("manifest", "error", "message"),
    [
        ("id: lv\nformat: leveled_list\n", SourceError, "lacks title, original_file"),
        (GOOD.replace(f"{LEVELED}.txt", "gone.txt"), SourceError, "gone.txt not found"),
        (GOOD + "expected_count: 60\n", SourceError, "parsed 59 questions, manifest expects 60"),
        (GOOD.replace("leveled_list", "pdf"), SourceError, "unknown source format 'pdf'"),
        (GOOD + "title: [unclosed\n", SourceError, "invalid YAML"),
    ],
)
def test_broken_manifest_is_reported_clearly(
    tmp_path: Path, manifest: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        load_raw_questions(_copy_source(tmp_path, LEVELED, manifest))


def test_document_without_a_manifest_is_an_error(tmp_path: Path) -> None:
    _copy_source(tmp_path, LEVELED, GOOD)
    (tmp_path / "005_new.txt").write_text("1. What is a CNN?\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"documents without a manifest: 005_new\.txt"):
        load_sources(tmp_path)
