"""Export shape and round trip, and `check` findings on the real bank and on broken inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.build import Inputs, compile_bank
from knowledge.check import CheckReport, check_bank
from knowledge.export import bank_from_dict, bank_to_dict
from knowledge.parsers.base import clean_inline
from knowledge.sources import load_raw_questions, load_sources

CONCEPT_KEYS = {"id", "name", "aliases", "kind", "definition", "prerequisites"}
QUESTION_KEYS = {
    "id",
    "text",
    "answer",
    "gist",
    "difficulty",
    "concepts",
    "variants",
    "asked",
    "choice",
    "key_points",
}
VARIANT_KEYS = {"source", "ref", "text", "derived", "answer", "disputed"}


@pytest.fixture(scope="module")
def exported() -> dict:
    bank = compile_bank(Inputs.resolve(pack_paths=[])).bank
    return json.loads(json.dumps(bank_to_dict(bank)))  # what a consumer of the JSON sees


def test_export_has_the_documented_shape(exported: dict) -> None:
    assert {"concepts", "questions"} <= set(exported)
    concept_ids = {c["id"] for c in exported["concepts"]}
    for c in exported["concepts"]:
        assert CONCEPT_KEYS <= set(c)
        assert isinstance(c["aliases"], list) and isinstance(c["prerequisites"], list)
        assert set(c["prerequisites"]) <= concept_ids
    for q in exported["questions"]:
        assert QUESTION_KEYS <= set(q)
        assert q["difficulty"] in {None, "easy", "medium", "hard"}
        assert q["concepts"] and set(q["concepts"]) <= concept_ids
        assert q["variants"]
        assert all(set(v) == VARIANT_KEYS for v in q["variants"])
        assert q["asked"] in {"choice", "open"}
        if q["asked"] == "choice":
            choice = q["choice"]
            assert choice["correct"] and len(choice["distractors"]) == 3
            assert all(set(d) == {"text", "why"} and d["why"] for d in choice["distractors"])
        else:
            assert q["choice"] is None and 3 <= len(q["key_points"]) <= 6


def test_variant_texts_are_the_source_texts(exported: dict) -> None:
    documents = {doc.id: clean_inline(doc.text) for doc in load_sources()}
    ours = {(q.source, q.ref) for q in load_raw_questions() if q.derived and not q.original}
    topic_headings = 0
    for q in exported["questions"]:
        for v in q["variants"]:
            if (v["source"], v["ref"]) in ours:  # prose answers: the source has no question
                assert v["derived"]
                continue
            assert v["text"] in documents[v["source"]], v
            topic_headings += v["derived"]
    # "Q29. AlexNet Architecture Overview:" is exported as written, marked derived.
    assert topic_headings >= 4


def test_every_source_answer_stays_with_its_variant(exported: dict) -> None:
    titles = {s["id"]: s["title"] for s in exported["sources"]}
    assert set(titles) == {doc.id for doc in load_sources()}
    assert all(title and title != sid for sid, title in titles.items())
    answers = {(q.source, q.ref): q.answer for q in load_raw_questions()}
    kept = 0
    for q in exported["questions"]:
        for v in q["variants"]:
            source_answer = (answers[(v["source"], v["ref"])] or "").strip() or None
            assert v["answer"] == source_answer, v
            kept += v["answer"] is not None
    # Nothing is lost on merge: every answer a source gives is exported with its variant.
    assert kept == sum(1 for a in answers.values() if a and a.strip())


def test_the_prose_documents_worked_figures_survive_the_merge(exported: dict) -> None:
    prose = [
        v["answer"]
        for q in exported["questions"]
        for v in q["variants"]
        if v["source"] == "cnn15-prose" and v["answer"]
    ]
    assert any("1,180,160" in a for a in prose)


def test_disputed_answers_say_why_and_are_never_the_model_answer(exported: dict) -> None:
    disputed = [(q, v) for q in exported["questions"] for v in q["variants"] if v["disputed"]]
    assert len(disputed) >= 20
    for q, v in disputed:
        assert v["disputed"].strip()
        assert q["answer"] != v["answer"]


def test_export_round_trips(exported: dict) -> None:
    again = bank_to_dict(bank_from_dict(exported))
    assert again == exported


@pytest.fixture(scope="module")
def real_report() -> CheckReport:
    """`check` on the shipped content, run once: the tests below only read the report."""
    return check_bank(pack_paths=[])


def test_check_on_the_real_bank_has_no_errors_but_reports_warnings(
    real_report: CheckReport,
) -> None:
    report = real_report
    assert report.ok and report.exit_code == 0
    kinds = {w.kind for w in report.warnings}
    assert "near-duplicate" in kinds
    assert report.stats["questions"] < report.stats["raw_questions"]


def test_check_reports_unlinked_questions_as_errors(tmp_path: Path) -> None:
    pack = tmp_path / "odd.yaml"
    pack.write_text("questions:\n  - text: Who won the 1998 World Cup?\n    answer: France.\n")
    report = check_bank(pack_paths=[pack])
    assert report.exit_code == 1
    assert [e.kind for e in report.errors] == ["unlinked"]
    assert "Who won the 1998 World Cup?" in report.errors[0].message


def test_check_reports_a_prerequisite_cycle(tmp_path: Path) -> None:
    ontology = tmp_path / "concepts.yaml"
    ontology.write_text(
        "concepts:\n"
        "  - id: alpha\n    name: alpha\n    kind: concept\n"
        "    definition: The first letter of a made-up loop.\n    prerequisites: [beta]\n"
        "  - id: beta\n    name: beta\n    kind: concept\n"
        "    definition: The second letter of a made-up loop.\n    prerequisites: [alpha]\n"
    )
    report = check_bank(concepts_path=ontology, pack_paths=[])
    assert report.exit_code == 1
    assert any("alpha" in e.message and "beta" in e.message for e in report.errors)


def test_check_reports_orphan_concepts(tmp_path: Path) -> None:
    ontology = Path(__file__).resolve().parents[3] / "knowledge" / "concepts.yaml"
    text = ontology.read_text(encoding="utf-8")
    extra = (
        "\n  - id: hypothetical-pooling\n    name: hypothetical pooling\n    kind: operation\n"
        "    definition: A made-up downsampling rule nobody asks about.\n"
        "    prerequisites: [downsampling]\n"
    )
    patched = tmp_path / "concepts.yaml"
    patched.write_text(text.rstrip("\n") + extra, encoding="utf-8")
    report = check_bank(concepts_path=patched, pack_paths=[])
    orphans = [w.message for w in report.warnings if w.kind == "orphan"]
    assert any(m.startswith("hypothetical-pooling") for m in orphans)


def test_check_reports_a_source_in_an_unknown_format_instead_of_crashing(tmp_path: Path) -> None:
    sources = Path(__file__).resolve().parents[3] / "knowledge" / "sources"
    stem = "004_2f05e319ac35fcfb"
    (tmp_path / f"{stem}.txt").write_bytes((sources / f"{stem}.txt").read_bytes())
    manifest = (sources / f"{stem}.yaml").read_text(encoding="utf-8")
    (tmp_path / f"{stem}.yaml").write_text(
        "\n".join(
            "format: nosuch" if line.startswith("format:") else line
            for line in manifest.splitlines()
        )
    )
    report = check_bank(sources_dir=tmp_path, pack_paths=[])
    assert report.exit_code == 1
    assert any("unknown source format 'nosuch'" in e.message for e in report.errors)


def test_check_on_the_real_bank_passes_every_content_gate(real_report: CheckReport) -> None:
    report = real_report
    assert report.ok, [e.message for e in report.errors]
    assert report.stats["multiple_choice_items"] >= 100
    assert set(report.guess_rates) == {
        "most word overlap with the question",
        "longest option",
        "closest character TF-IDF to the question",
        "farthest character TF-IDF from the question",
        "most words shared with the other options",
        "option whose sentence shape differs",
    }
    assert all(rate <= 0.35 for rate in report.guess_rates.values()), report.guess_rates
    content = [w.message for w in report.warnings if w.kind == "content"]
    assert content == []  # every same-concept pair reviewed, every question reviewed


def _items_copy(tmp_path: Path) -> Path:
    import shutil

    from knowledge.items import ITEMS_DIR

    target = tmp_path / "items"
    shutil.copytree(ITEMS_DIR, target)
    return target


def test_check_fails_an_unfair_or_missing_item(tmp_path: Path) -> None:
    items = _items_copy(tmp_path)
    path = items / "01-shapes-and-strides.yaml"
    text = path.read_text(encoding="utf-8")
    first_correct = next(
        line.split("correct:", 1)[1].strip() for line in text.splitlines() if "correct:" in line
    )
    longer = '"Ten by ten, which is what is left once the kernel has slid across the input"'
    path.write_text(text.replace(first_correct, longer, 1), encoding="utf-8")
    (items / "02-stride-padding-pooling.yaml").unlink()
    report = check_bank(pack_paths=[], items_dir=items)
    assert report.exit_code == 1
    messages = "\n".join(e.message for e in report.errors)
    assert "option lengths are uneven" in messages
    assert "has no reviewed item in knowledge/items/" in messages


def test_check_names_an_item_whose_ref_is_unknown(tmp_path: Path) -> None:
    items = _items_copy(tmp_path)
    path = items / "07-tasks-and-deployment.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - ref: ", "  - ref: nowhere ", 1), encoding="utf-8")
    report = check_bank(pack_paths=[], items_dir=items)
    assert any(
        e.kind == "item" and "names no source question" in e.message and str(path) in e.message
        for e in report.errors
    )
