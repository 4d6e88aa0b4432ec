"""The mastery map: the concepts a player met and their prerequisites, weakest marked."""

from __future__ import annotations

from knowledge.bank import Bank
from quizbot.mastery import KNOWN
from quizbot.replies import PlayerRef
from quizbot.services.callers import Ctx
from quizbot.services.deps import ServiceDeps
from quizbot.storage.records import MasteryRec
from quizbot.study.replies import MapConcept, MasteryMap

MAX_MET = 40  # the weakest ones first when a player met more
MAX_CONCEPTS = 70
WEAKEST = 5


def mastery_map(bank: Bank, name: str, masteries: dict[str, MasteryRec]) -> MasteryMap:
    """Met concepts (the weakest first past `MAX_MET`), their direct prerequisites for context,
    and the `WEAKEST` least known of them (below `KNOWN`) marked weak."""
    met = {c: m.p_known for c, m in masteries.items() if m.attempts > 0 and c in bank.concepts}
    shown = sorted(met, key=lambda c: (met[c], c))[:MAX_MET]
    weak = {c for c in shown[:WEAKEST] if met[c] < KNOWN}
    area = list(shown)
    for concept in shown:
        for pre in bank.prerequisites(concept):
            if pre not in area and pre in bank.concepts and len(area) < MAX_CONCEPTS:
                area.append(pre)
    on_map = set(area)
    concepts = tuple(
        MapConcept(c, bank.concept(c).name, bank.concept(c).kind, met.get(c), c in weak)
        for c in area
    )
    edges = tuple((a, b) for a in area for b in bank.prerequisites(a) if b in on_map and a != b)
    return MasteryMap(name, concepts, edges)


class Mapping:
    """Reads a player's mastery into a map of the concept graph."""

    def __init__(self, deps: ServiceDeps) -> None:
        self.deps = deps

    async def mastery_map(self, who: PlayerRef) -> MasteryMap:
        """The caller's mastery map (empty before their first answer)."""

        def work(ctx: Ctx) -> MasteryMap:
            name = ctx.repos.players.name(ctx.player_id) or who.display_name
            return mastery_map(self.deps.bank, name, ctx.repos.mastery.all_for(ctx.player_id))

        return await self.deps.read(who, work)
