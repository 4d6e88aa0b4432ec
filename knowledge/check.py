"""Bank health check: ontology, sources, items and their fairness, links, near-duplicates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.build import Compiled, Inputs, compile_bank
from knowledge.gates import run_gates
from knowledge.graph import build_graph, orphans
from knowledge.merges import check_refs, load_overrides
from knowledge.ontology import OntologyError, load_concepts
from knowledge.packs import PackError
from knowledge.sources import SourceError
from knowledge.yamlfile import YamlProblem


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: `kind` is a short tag (ontology, unlinked, orphan, near-duplicate, ...)."""

    kind: str
    message: str


@dataclass(frozen=True)
class CheckReport:
    errors: tuple[Finding, ...] = ()
    warnings: tuple[Finding, ...] = ()
    stats: dict[str, int] = field(default_factory=dict)
    guess_rates: dict[str, float] = field(default_factory=dict)  # guesser -> share right

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1


def check_bank(
    sources_dir: Path | None = None,
    concepts_path: Path | None = None,
    pack_paths: Sequence[Path] | None = None,
    *,
    items_dir: Path | None = None,
) -> CheckReport:
    """Build leniently and report every problem instead of stopping at the first.

    Errors (non-zero exit): an invalid ontology (cycles, unknown or duplicate ids), invalid
    sources, packs, items or merge overrides, questions linked to no concept, a source
    question without a reviewed item or any question without a model answer, an unfair
    multiple-choice item (see `knowledge.itemlint`), a knowledge-free guesser right on more
    than 35% of items. Warnings: orphan concepts (no question and nothing builds on them),
    pairs of questions just under the merge threshold, and same-concept pairs nobody reviewed.
    """
    inputs = Inputs.resolve(sources_dir, concepts_path, pack_paths, items_dir=items_dir)
    try:
        concepts = load_concepts(inputs.concepts_path)
    except OntologyError as exc:
        return CheckReport(errors=tuple(Finding("ontology", p) for p in exc.problems))
    except (OSError, ValueError) as exc:
        return CheckReport(errors=(Finding("ontology", str(exc)),))
    # load_concepts has already rejected prerequisite cycles and unknown ids.
    try:
        overrides = load_overrides(inputs.merges_path)
        compiled: Compiled = compile_bank(inputs, concepts=concepts)
    except PackError as exc:
        return CheckReport(errors=tuple(Finding("pack", p) for p in exc.problems))
    except YamlProblem as exc:
        return CheckReport(errors=tuple(Finding("content", p) for p in exc.problems))
    except (SourceError, OSError) as exc:
        return CheckReport(errors=(Finding("source", str(exc)),))
    errors = [Finding("unlinked", u) for u in compiled.unlinked]
    errors += [Finding("item", p) for p in compiled.item_problems]
    refs = check_refs(overrides, set(compiled.refs), inputs.merges_path)
    errors += [Finding("merges", p) for p in refs]
    gates = run_gates(compiled.bank, overrides)
    errors += [Finding("content", p) for p in gates.errors]
    linked = {c for q in compiled.bank.questions for c in q.concepts}
    warnings = [
        Finding("orphan", f"{cid} ({compiled.bank.concepts[cid].name}) has no question")
        for cid in orphans(build_graph(concepts), linked)
    ]
    warnings += [
        Finding("near-duplicate", f"{m.score:.2f}  {m.first!r} ~ {m.second!r}")
        for m in compiled.near_misses
    ]
    warnings += [Finding("content", w) for w in gates.warnings]
    stats = {
        "concepts": len(concepts),
        "raw_questions": compiled.raw_count,
        "questions": len(compiled.bank.questions) + len(compiled.unlinked),
        "multiple_choice_items": gates.choice_items,
    }
    return CheckReport(tuple(errors), tuple(warnings), stats, gates.rates)
