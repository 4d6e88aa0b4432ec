"""Bank health check: ontology errors, orphan concepts, unlinked questions, near-duplicates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.build import Compiled, Inputs, compile_bank
from knowledge.graph import build_graph, orphans
from knowledge.ontology import OntologyError, load_concepts
from knowledge.packs import PackError
from knowledge.sources import SourceError


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
) -> CheckReport:
    """Build leniently and report every problem instead of stopping at the first.

    Errors (non-zero exit): an invalid ontology (cycles, unknown or duplicate ids), invalid
    sources or packs, questions linked to no concept. Warnings: orphan concepts (no question
    and nothing builds on them) and pairs of questions just under the merge threshold.
    """
    inputs = Inputs.resolve(sources_dir, concepts_path, pack_paths)
    try:
        concepts = load_concepts(inputs.concepts_path)
    except OntologyError as exc:
        return CheckReport(errors=tuple(Finding("ontology", p) for p in exc.problems))
    except (OSError, ValueError) as exc:
        return CheckReport(errors=(Finding("ontology", str(exc)),))
    # load_concepts has already rejected prerequisite cycles and unknown ids.
    try:
        compiled: Compiled = compile_bank(inputs, concepts=concepts)
    except PackError as exc:
        return CheckReport(errors=tuple(Finding("pack", p) for p in exc.problems))
    except (SourceError, OSError) as exc:
        return CheckReport(errors=(Finding("source", str(exc)),))
    errors = [Finding("unlinked", u) for u in compiled.unlinked]
    linked = {c for q in compiled.bank.questions for c in q.concepts}
    warnings = [
        Finding("orphan", f"{cid} ({compiled.bank.concepts[cid].name}) has no question")
        for cid in orphans(build_graph(concepts), linked)
    ]
    warnings += [
        Finding("near-duplicate", f"{m.score:.2f}  {m.first!r} ~ {m.second!r}")
        for m in compiled.near_misses
    ]
    stats = {
        "concepts": len(concepts),
        "raw_questions": compiled.raw_count,
        "questions": len(compiled.bank.questions) + len(compiled.unlinked),
    }
    return CheckReport(tuple(errors), tuple(warnings), stats)
