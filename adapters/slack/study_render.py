"""Study replies -> Slack Block Kit: the full explanation behind "More"."""

from __future__ import annotations

from adapters.slack.render import (
    Block,
    _context,
    _section,
    card_blocks,
    path_text,
    source_blocks,
)
from quizbot.study.replies import Explanation, FlagList, Hint, ReviewItem, ReviewList

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


def _review_line(item: ReviewItem) -> str:
    """A due date Slack shows in the reader's own timezone (the workspace's as fallback)."""
    stamp = int(item.due_at.timestamp())
    return f"<!date^{stamp}^{{date_short_pretty}} {{time}}|{item.when}> · {item.label}"


def review_text(reviews: ReviewList) -> str:
    """The headline (also the notification text)."""
    if reviews.due_count:
        return f"{reviews.due_count} review card{'s' if reviews.due_count != 1 else ''} due"
    if reviews.next_due is not None:
        return f"Nothing is due for review; the next card is due {reviews.next_due.when}."
    return "No review cards yet: answer a few questions first (`/cnnquiz`)."


def review_blocks(reviews: ReviewList) -> list[Block]:
    """The review queue with dates, then the first due card with its buttons."""
    blocks: list[Block] = [_section(f":card_index_dividers: *{review_text(reviews)}*")]
    if reviews.due:
        more = reviews.due_count - len(reviews.due)
        lines = [f"• {_review_line(i)}" for i in reviews.due]
        lines += [f"… and {more} more"] if more else []
        blocks.append(_section("*Due now*\n" + "\n".join(lines)))
    if reviews.upcoming:
        lines = [f"• {_review_line(i)}" for i in reviews.upcoming]
        blocks.append(_section("*Coming up*\n" + "\n".join(lines)))
    if reviews.card is not None:
        blocks += [{"type": "divider"}, *card_blocks(reviews.card)]
    return blocks


def hint_blocks(hint: Hint) -> list[Block]:
    blocks = [_section(f":bulb: *Hint:* {hint.text}")]
    if hint.note:
        blocks.append(_context(hint.note))
    return blocks


def flags_blocks(flags: FlagList) -> list[Block]:
    """Reported questions, most open reports first; each names the id that clears it."""
    if not flags.questions:
        return [_section("No open reports on questions. :tada:")]
    blocks = [
        _section(":triangular_flag_on_post: *Reported questions*"),
        _context("Kept out of drops until cleared: `/cnnquiz flags clear <id>`."),
    ]
    for q in flags.questions[: MAX_BLOCKS - len(blocks)]:
        reasons = "\n".join(f"• {r}" for r in q.reasons) or "_(no reason given)_"
        head = f"*{q.open} open* · {q.total} in all · `{q.key}`"
        blocks.append(_section(f"{head}\n{q.label}\n{reasons}"[:3000]))
    return blocks
