"""Study replies -> Slack Block Kit: the full explanation behind "More"."""

from __future__ import annotations

from adapters.slack.render import Block, _context, _section, path_text, source_blocks
from quizbot.study.replies import Explanation

MAX_BLOCKS = 50  # per message


def explanation_blocks(reply: Explanation) -> list[Block]:
    """The question, its full model answer, why each wrong option is wrong, the concept path,
    then each source's own answer (as many as fit in one message)."""
    blocks: list[Block] = [
        _section(f":book: *More* — {reply.prompt}"),
        _section(f"*Answer:* {reply.answer}"),
        _section(f"*Model answer*\n{reply.model_answer}"),
    ]
    if reply.key_points:
        blocks.append(_section("*Key points*\n" + "\n".join(f"• {p}" for p in reply.key_points)))
    if reply.wrong_options:
        lines = [f"• _{o.text}_ — {o.why}" for o in reply.wrong_options]
        blocks.append(_section("*Why the other options are wrong*\n" + "\n".join(lines)))
    paths = []
    if reply.concept_path:
        paths.append(f"Path: {path_text(reply.concept_path)}")
    if reply.foundations:
        paths.append(f"Down to the basics: {path_text(reply.foundations)}")
    if paths:
        blocks.append(_context(*paths))
    if reply.note:
        blocks.append(_context(reply.note))
    if reply.sources:
        blocks.append(_section(":books: *From the sources*"))
        for answer in reply.sources:
            more = source_blocks(answer)
            if len(blocks) + len(more) > MAX_BLOCKS:
                break
            blocks += more
    return blocks
