"""`cnnquiz knowledge ...` through the real typer app: export, check, path, graph, build."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from adapters.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bank-cache")


def _run(*args: str):
    return runner.invoke(app, ["knowledge", *args])


def test_build_compiles_into_the_cache_dir(cache_dir: Path) -> None:
    result = _run("build", "--cache-dir", str(cache_dir))
    assert result.exit_code == 0, result.output
    assert "Built" in result.output
    assert (cache_dir / "bank.json").is_file()


def test_export_prints_the_documented_json(cache_dir: Path) -> None:
    result = _run("export", "--format", "json", "--cache-dir", str(cache_dir))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    concept = data["concepts"][0]
    assert {"id", "name", "aliases", "kind", "definition", "prerequisites"} <= set(concept)
    question = data["questions"][0]
    assert {"id", "text", "answer", "gist", "difficulty", "concepts", "variants"} <= set(question)
    assert {"source", "ref", "text"} <= set(question["variants"][0])  # extra keys allowed
    assert isinstance(question["variants"][0]["derived"], bool)


def test_export_to_a_file(cache_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "bank.json"
    result = _run("export", "--format", "json", "--out", str(out), "--cache-dir", str(cache_dir))
    assert result.exit_code == 0, result.output
    assert len(json.loads(out.read_text())["questions"]) > 100


def test_export_rejects_an_unknown_format_without_a_traceback(cache_dir: Path) -> None:
    result = _run("export", "--format", "xml", "--cache-dir", str(cache_dir))
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_check_passes_on_the_shipped_content() -> None:
    result = _run("check")
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output


def test_check_fails_on_a_question_that_links_to_nothing(tmp_path: Path) -> None:
    pack = tmp_path / "odd.yaml"
    pack.write_text("questions:\n  - text: Who won the 1998 World Cup?\n    answer: France.\n")
    result = _run("check", "--pack", str(pack))
    assert result.exit_code == 1
    assert "Who won the 1998 World Cup?" in result.output and "1 error(s)" in result.output


def test_build_with_a_broken_pack_is_a_short_error(tmp_path: Path) -> None:
    pack = tmp_path / "bad.yaml"
    pack.write_text("questions:\n  - text: What is ReLU?\n    anwser: max(0, x)\n")
    result = _run("build", "--pack", str(pack), "--cache-dir", str(tmp_path / "cache"))
    assert result.exit_code == 1
    assert "bad.yaml:3" in result.output and "anwser" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "cache" / "bank.json").exists()


def test_path_resnet_shows_the_chain_to_vanishing_gradient() -> None:
    result = _run("path", "resnet")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "ResNet" in text and "skip connection" in text and "vanishing gradient" in text
    assert text.index("skip connection") < text.index("vanishing gradient")


def test_path_finds_a_concept_by_alias() -> None:
    result = _run("path", "Residual Connection")
    assert result.exit_code == 0, result.output
    assert "skip connection" in result.output


@pytest.mark.parametrize("typed", ["resnt", "res net", "skip conections"])
def test_path_forgives_typos_and_spacing_like_a_chat_topic(typed: str) -> None:
    result = _run("path", typed)
    assert result.exit_code == 0, result.output
    assert "skip connection" in result.output


def test_path_unknown_concept_suggests_close_names() -> None:
    result = _run("path", "resnot blocx")
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "no concept called 'resnot blocx'" in text and "residual block" in text
    assert "Traceback" not in result.output


@pytest.mark.parametrize("suffix", [".png", ".graphml"])  # .svg: tests/unit/knowledge/test_graph.py
def test_graph_writes_the_file(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"map{suffix}"
    result = _run("graph", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.is_file() and out.stat().st_size > 1000
    if suffix == ".graphml":
        assert nx.read_graphml(out).has_edge("resnet", "skip-connection")


def test_graph_rejects_an_unknown_format(tmp_path: Path) -> None:
    result = _run("graph", "--out", str(tmp_path / "map.pdf"))
    assert result.exit_code == 2
    assert "use .png, .svg or .graphml" in result.output


def test_graph_around_a_concept_draws_its_neighbourhood(tmp_path: Path) -> None:
    out = tmp_path / "alexnet.svg"
    result = _run("graph", "--around", "alex net", "--depth", "1", "--out", str(out))
    assert result.exit_code == 0, result.output
    svg = out.read_text()
    assert "around AlexNet" in svg and ">LeNet<" in svg and ">VGGNet<" in svg
    assert ">neuron<" not in svg, "dropout's prerequisite is two steps away"
    unknown = _run("graph", "--around", "alexnot zzz", "--out", str(out))
    assert unknown.exit_code == 2 and "no concept called 'alexnot zzz'" in unknown.output
    too_deep = _run("graph", "--around", "alexnet", "--depth", "9", "--out", str(out))
    assert too_deep.exit_code == 2


def test_packs_dir_packs_are_checked_with_file_and_line(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "bad.yaml").write_text("questions:\n  - text: What is ReLU?\n    anwser: max(0, x)\n")
    env = {"PACKS_DIR": str(mine)}
    built = runner.invoke(
        app, ["knowledge", "build", "--cache-dir", str(tmp_path / "cache")], env=env
    )
    assert built.exit_code == 1 and "bad.yaml:3" in built.output and "anwser" in built.output
    missing = runner.invoke(app, ["knowledge", "check"], env={"PACKS_DIR": str(tmp_path / "no")})
    assert missing.exit_code == 1 and "PACKS_DIR is not a folder" in " ".join(
        missing.output.split()
    )
    assert "Traceback" not in built.output + missing.output
