"""Bank assembly: sources -> dedup -> links -> gists, the build errors and the compiled cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import knowledge.build as build
from knowledge.build import BuildError, Inputs, build_bank, compile_bank, load_bank
from knowledge.model import Difficulty


@pytest.fixture(scope="module")
def compiled() -> build.Compiled:
    return compile_bank(Inputs.resolve(pack_paths=[]))


def _pack(tmp_path: Path, body: str, name: str = "mine.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def _question(bank, text: str):
    return next(q for q in bank.questions if any(v.text == text for v in q.variants))


def test_real_sources_deduplicate_and_all_link(compiled) -> None:
    bank = compiled.bank
    assert compiled.unlinked == ()
    assert 150 <= len(bank.questions) < compiled.raw_count
    assert sum(len(q.variants) for q in bank.questions) == compiled.raw_count
    for q in bank.questions:
        assert q.concepts and set(q.concepts) <= set(bank.concepts), q.text


def test_batch_normalization_is_one_reviewed_question_with_our_answer(compiled) -> None:
    q = _question(compiled.bank, "What is batch normalization in CNN?")
    assert q.primary_concept == "batch-normalization"
    assert len(q.variants) == 3 and q.difficulty is Difficulty.HARD
    assert q.reviewed and q.answer_source is None  # the model answer is ours
    assert q.gist and len(q.gist) <= 200
    # The sources' answers stay with their variants; the disputed ones say why.
    assert sum(bool(v.answer) for v in q.variants) >= 2
    assert any(v.disputed and "covariate shift" in v.disputed.lower() for v in q.variants)


def test_every_question_has_a_reviewed_model_answer_and_gist(compiled) -> None:
    for q in compiled.bank.questions:
        assert q.reviewed and q.answer and q.gist, q.text
        assert len(q.gist) <= 200
        assert q.choice is not None or 3 <= len(q.key_points) <= 6


def test_the_worst_answers_the_review_found_are_fixed(compiled) -> None:
    bank = compiled.bank
    relu = _question(bank, "Why is ReLU commonly used in CNNs?")
    assert "gradient" in relu.answer.lower()
    assert "decrease the non-linearity" not in relu.answer.lower()
    pooling = _question(bank, "What is the difference between Max Pooling and Average Pooling?")
    assert "average" in pooling.answer.lower() and "max" in pooling.answer.lower()
    padding = _question(bank, "What is valid vs same padding?")
    assert "valid" in padding.answer.lower() and "same" in padding.answer.lower()
    twelve = next(q for q in bank.questions if "12 X 12" in q.variants[0].text)
    assert "10" in twelve.gist
    size = _question(bank, "How can you calculate the output size of a convolutional layer?")
    assert "+ 1" in size.answer or "+1" in size.answer
    resnet = _question(bank, "What is ResNet?")
    assert "50 to 152" not in resnet.answer and "18" in resnet.answer


def test_reviewed_merges_join_what_dedup_missed(compiled) -> None:
    bank = compiled.bank
    steps = _question(bank, "What are common data preprocessing steps for CNN input?")
    assert {v.ref for v in steps.variants} == {"Q46", "Easy 9"}
    params = _question(
        bank, "How do you calculate the number of parameters in a convolutional layer?"
    )
    assert {v.source for v in params.variants} == {"cnn-leveled", "cnn15-prose"}
    assert any("1,180,160" in (v.answer or "") for v in params.variants)


def test_no_site_navigation_in_the_bank(compiled) -> None:
    texts = {q.text for q in compiled.bank.questions}
    assert not texts & {"Python Basics", "Start for free", "SQL Basics", "Git Fundamentals"}


def test_rebuilding_gives_the_same_ids(compiled) -> None:
    again = compile_bank(
        Inputs.resolve(pack_paths=[]), concepts=list(compiled.bank.concepts.values())
    )
    assert [q.id for q in again.bank.questions] == [q.id for q in compiled.bank.questions]


def test_a_question_linking_to_nothing_is_a_build_error_naming_it(tmp_path: Path) -> None:
    pack = _pack(
        tmp_path,
        "questions:\n  - text: What is the best pizza topping?\n    answer: Basil.\n",
    )
    with pytest.raises(BuildError) as err:
        build_bank(pack_paths=[pack])
    assert "What is the best pizza topping?" in str(err.value)
    assert "pack:mine" in str(err.value)


def test_explicit_pack_concepts_win_over_the_linker(tmp_path: Path) -> None:
    pack = _pack(
        tmp_path,
        "questions:\n"
        "  - text: Why does a deeper stack of 3x3 filters beat one 7x7 filter?\n"
        "    answer: Same receptive field, fewer parameters, more non-linearity.\n"
        "    concepts: [receptive-field, kernel-size]\n",
    )
    bank = build_bank(pack_paths=[pack])
    q = _question(bank, "Why does a deeper stack of 3x3 filters beat one 7x7 filter?")
    assert q.concepts == ("receptive-field", "kernel-size")


def test_progress_reports_every_stage(tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    build_bank(pack_paths=[], progress=lambda stage, done, total: seen.append((stage, done, total)))
    stages = [s for s, _, _ in seen]
    assert stages[:3] == ["concepts", "sources", "dedup"]
    assert seen[-1][0] == "link" and seen[-1][1] == seen[-1][2]


def test_load_bank_writes_then_reuses_the_compiled_bank(tmp_path: Path, monkeypatch) -> None:
    first = load_bank(tmp_path, pack_paths=[])
    cached = tmp_path / build.CACHE_FILE
    assert cached.is_file() and not list(tmp_path.glob("*.tmp"))

    def no_rebuild(*args, **kwargs):
        raise AssertionError("rebuilt although nothing changed")

    monkeypatch.setattr(build, "build_bank", no_rebuild)
    second = load_bank(tmp_path, pack_paths=[])
    assert second.fingerprint == first.fingerprint
    assert second.questions == first.questions
    assert dict(second.concepts) == dict(first.concepts)


def test_load_bank_rebuilds_when_an_input_changes(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    pack = _pack(
        tmp_path,
        "questions:\n  - text: What does a max pooling layer keep?\n    answer: The maximum.\n",
    )
    before = load_bank(cache, pack_paths=[pack])
    pack.write_text(pack.read_text().replace("The maximum.", "The largest value."))
    after = load_bank(cache, pack_paths=[pack])
    assert after.fingerprint != before.fingerprint
    q = _question(after, "What does a max pooling layer keep?")
    assert q.answer == "The largest value."
    assert json.loads((cache / build.CACHE_FILE).read_text())["fingerprint"] == after.fingerprint


def test_a_corrupt_cache_is_rebuilt(tmp_path: Path) -> None:
    (tmp_path / build.CACHE_FILE).write_text('{"format": "cnnquiz-bank/1", "fingerp')
    bank = load_bank(tmp_path, pack_paths=[])
    assert bank.questions
    assert json.loads((tmp_path / build.CACHE_FILE).read_text())["fingerprint"] == bank.fingerprint


_COLD_START = """
import sys
from knowledge.build import load_configured_bank
bank = load_configured_bank(None)
print(len(bank.questions), sorted(m for m in ("sklearn", "scipy") if m in sys.modules))
"""


def test_a_cold_cache_is_rebuilt_without_loading_the_build_libraries(tmp_path: Path) -> None:
    # The bot's first start rebuilds the bank in a child process: scikit-learn and scipy
    # (~90 MB) must not stay loaded in the long-running one.
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    for _ in range(2):  # cold, then from the cache the child wrote
        done = subprocess.run(
            [sys.executable, "-c", _COLD_START],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        count, loaded = done.stdout.split(" ", 1)
        assert int(count) > 100 and loaded.strip() == "[]", done.stdout + done.stderr
    assert list((tmp_path / "cache").rglob("*.json")), "the child wrote the compiled bank"
