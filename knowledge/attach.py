"""Join a dedup group, its concept links and its authored item into one canonical Question."""

from __future__ import annotations

from collections.abc import Mapping

from knowledge.dedup import Group
from knowledge.gist import gist
from knowledge.items import Item
from knowledge.merges import ref_of
from knowledge.model import Question, Variant


def item_for(group: Group, items: Mapping[str, Item]) -> tuple[Item | None, list[str]]:
    """The group's authored item, found through any member's ref, and any clash to report."""
    found = [items[ref_of(m)] for m in group.members if ref_of(m) in items]
    if len(found) > 1:
        where = ", ".join(i.where for i in found)
        return found[0], [f"{where}: items for one question ({group.text!r}); keep one"]
    return (found[0] if found else None), []


def make_question(group: Group, concepts: tuple[str, ...], item: Item | None) -> Question:
    """Ours when reviewed (model answer, gist, choice, key points), else the best source answer."""
    disputes = {d.ref: d.why for d in item.disputed} if item else {}
    variants = tuple(
        Variant(
            m.source,
            m.ref,
            m.original or m.text,
            m.derived,
            answer=m.answer.strip() if m.answer and m.answer.strip() else None,
            disputed=disputes.get(ref_of(m)),
        )
        for m in group.members
    )
    if item is None:
        return Question(
            id=group.id,
            text=group.text,
            answer=group.answer,
            gist=gist(group.answer, group.text),
            difficulty=group.difficulty,
            concepts=concepts,
            variants=variants,
            derived=group.derived,
            answer_variant=group.answer_member,
        )
    return Question(
        id=group.id,  # from the source text, so a reworded prompt keeps stored answers
        text=item.prompt or group.text,
        answer=item.answer,
        gist=item.gist,
        difficulty=item.difficulty or group.difficulty,
        concepts=concepts,
        variants=variants,
        derived=group.derived,
        reviewed=True,
        choice=item.choice,
        key_points=item.key_points,
    )


def dispute_problems(group: Group, item: Item) -> list[str]:
    """Disputes that name no phrasing of the item's question."""
    refs = {ref_of(m) for m in group.members}
    return [
        f"{item.where}: disputed ref '{d.ref}' is not a phrasing of this question"
        for d in item.disputed
        if d.ref not in refs
    ]
