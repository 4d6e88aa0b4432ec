"""Neutral engine replies -> Slack Block Kit blocks, modals and the App Home view."""

from __future__ import annotations

import json
from typing import Any

from adapters.slack.commands import HELP_TEXT
from quizbot.api import ScheduleInfo
from quizbot.drops.schedule import format_weekdays
from quizbot.replies import (
    MASKED_CONCEPT,
    AskKind,
    ConceptPath,
    DropReveal,
    Notice,
    QuestionCard,
    SourceAnswer,
    SourceAnswers,
    Verdict,
)

Block = dict[str, Any]

# action_id prefixes; Bolt listeners match them with regular expressions.
CHOICE = "cnnquiz.choice"
TYPED = "cnnquiz.typed"
REVEAL = "cnnquiz.reveal"
RATE = "cnnquiz.rate"
NEXT = "cnnquiz.next"
SOURCES = "cnnquiz.sources"
MORE = "cnnquiz.more"
HINT = "cnnquiz.hint"
FLAG = "cnnquiz.flag"
ANSWER_MODAL = "cnnquiz.answer_modal"
ANSWER_BLOCK = "answer"
ANSWER_INPUT = "value"

ARROW = " → "
_TEXT_LIMIT = 2900  # Slack caps section text at 3000 characters
_BUTTON_LIMIT = 75


def _clip(text: str, limit: int = _TEXT_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _clip(text)}}


def _context(*texts: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": _clip(t)} for t in texts if t][:10],
    }


def _button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": _clip(text, _BUTTON_LIMIT), "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def action_value(ask_id: str, response: str = "", *, drop: bool = False) -> str:
    """The button value: which ask it answers, with what, and whether it sits on a drop."""
    data: dict[str, Any] = {"ask": ask_id, "r": response}
    if drop:
        data["drop"] = 1
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def path_text(path: tuple[str, ...]) -> str:
    return ARROW.join(path)


def card_blocks(card: QuestionCard) -> list[Block]:
    """A question with its buttons (choices, a typed-answer modal, or a flashcard reveal)."""
    head = [":bell: *Daily drop*" if card.is_drop else "*Question*"]
    if card.difficulty:
        head.append(f"_{card.difficulty}_")
    if card.points:
        head.append(f"{card.points} pts")
    blocks: list[Block] = [_context(" · ".join(head))]
    if card.note:
        blocks.append(_context(card.note))
    if card.is_retry:
        blocks.append(_section(":leftwards_arrow_with_hook: *Back to the original question*"))
    elif card.is_follow_up:
        blocks.append(_section(f":mag: *Follow-up:* {path_text(card.concept_path)}"))
    lines = [card.prompt]
    lines += [f"*{c.id.upper()}.* {c.text}" for c in card.choices]
    blocks.append(_section("\n".join(lines)))
    hint = card.hint or ""
    if card.concept_path not in ((), (MASKED_CONCEPT,)) and (
        card.is_retry or not card.is_follow_up
    ):
        hint = " · ".join(x for x in (path_text(card.concept_path), hint) if x)
    if hint:
        blocks.append(_context(hint))
    elements = _buttons(card)
    if not card.is_drop:
        elements.append(_button(":bulb: Hint", HINT, action_value(card.ask_id)))
    blocks.append({"type": "actions", "block_id": f"ask:{card.ask_id}", "elements": elements})
    return blocks


def _buttons(card: QuestionCard) -> list[Block]:
    if card.choices:
        return [
            _button(
                c.id.upper(), f"{CHOICE}.{c.id}", action_value(card.ask_id, c.id, drop=card.is_drop)
            )
            for c in card.choices
        ][:25]
    # The modal needs the prompt again; a button value holds up to 2,000 characters.
    data: dict[str, Any] = {
        "ask": card.ask_id,
        "p": _clip(card.prompt, 1200),
        "h": _clip(card.hint or "", 150),
    }
    if card.is_drop:
        data["drop"] = 1
    if card.kind is AskKind.OPEN:
        reveal = _button("Just show the answer", REVEAL, action_value(card.ask_id))
        if card.is_drop:
            return [reveal]
        data["long"] = 1  # an interview answer: a paragraph, not a number
    value = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    typed = _button("Type your answer", TYPED, value, "primary")
    return [typed, reveal] if card.kind is AskKind.OPEN else [typed]


def card_text(card: QuestionCard) -> str:
    """Plain-text fallback (notifications, screen readers)."""
    return _clip(card.prompt, 300)


def verdict_blocks(verdict: Verdict, *, with_next: bool = True) -> list[Block]:
    """The grade of an answer; then the follow-up (or the original question again)."""
    blocks: list[Block] = [_section(_verdict_headline(verdict))]
    details = []
    if verdict.why_wrong:
        details.append(f"*Why not your pick:* {verdict.why_wrong}")
    if verdict.practice:
        details.append(f"_{verdict.practice}_")
    if verdict.correct is not None and not verdict.already_answered and not verdict.closed:
        details.append(f"*Answer:* {verdict.answer}")
    if verdict.explanation and not verdict.closed:
        details.append(verdict.explanation)
    if verdict.typed:
        details.append(f"*Your answer:* {_clip(verdict.typed, 1000)}")
    if verdict.key_points and not verdict.pending_reveal:
        marks = (*verdict.covered, *[None] * len(verdict.key_points))
        ticks = {True: ":white_check_mark:", False: ":white_large_square:", None: "•"}
        lines = [f"{ticks[m]} {p}" for p, m in zip(verdict.key_points, marks, strict=False)]
        details.append("*Key points:*\n" + "\n".join(lines))
    if verdict.coverage:
        details.append(f"_{verdict.coverage}_")
    if details:
        blocks.append(_section("\n".join(details)))
    extra = []
    if verdict.concept_path:
        extra.append(f"Path: {path_text(verdict.concept_path)}")
    if verdict.source:
        extra.append(f"Source: {verdict.source}")
    if extra:
        blocks.append(_context(*extra))
    more = _button(":book: More", MORE, action_value(verdict.ask_id))
    flag = _button(":triangular_flag_on_post: Flag", FLAG, action_value(verdict.ask_id))
    if verdict.rating_choices:
        blocks.append(
            {
                "type": "actions",
                "block_id": f"rate:{verdict.ask_id}",
                "elements": [
                    *(
                        _button(c.text, f"{RATE}.{c.id}", action_value(verdict.ask_id, c.id))
                        for c in verdict.rating_choices
                    ),
                    more,
                    flag,
                ],
            }
        )
    elif with_next and not (verdict.pending_reveal or verdict.closed):
        elements = (
            [more] if verdict.next is not None else [_button("Next question", NEXT, "next"), more]
        )
        blocks.append(
            {
                "type": "actions",
                "block_id": f"after:{verdict.ask_id}",
                "elements": [*elements, flag],
            }
        )
    else:  # a drop's verdict, or a closed one: the question can still be reported
        blocks.append({"type": "actions", "block_id": f"flag:{verdict.ask_id}", "elements": [flag]})
    if with_next and verdict.next is not None:
        blocks.append({"type": "divider"})
        blocks.extend(card_blocks(verdict.next))
    return blocks


def sources_blocks(reply: SourceAnswers) -> list[Block]:
    """'From the sources': each source document's own answer, disputed ones marked."""
    blocks: list[Block] = [_section(f":books: *From the sources* — {reply.prompt}")]
    if reply.note:
        blocks.append(_context(reply.note))
    for a in reply.answers[:20]:  # a message holds 50 blocks
        blocks += source_blocks(a)
    return blocks


def source_blocks(a: SourceAnswer) -> list[Block]:
    """One source document's answer: title and ref, how it asked, disputed or not."""
    blocks: list[Block] = [
        {"type": "divider"},
        _section(f"*{a.title}, {a.ref}* — _{a.question}_\n{a.answer or '(no answer given)'}"),
    ]
    if a.disputed:
        blocks.append(_context(f":warning: Disputed: {a.disputed}"))
    return blocks


def _verdict_headline(verdict: Verdict) -> str:
    if verdict.closed:
        return ":lock: This drop is closed; the answer is in the reveal."
    if verdict.already_answered:
        return ":repeat: You already answered this one; it was scored once."
    if verdict.pending_reveal:
        return ":lock: Answer locked in. Points come with the reveal."
    if verdict.correct is None and verdict.rating_choices:
        return f"*Answer:* {verdict.answer}\nHow well did you know it?"
    if verdict.correct is None:
        return ":brain: Noted. This card comes back when it is due for review."
    if verdict.correct:
        streak = f" · streak {verdict.streak}" if verdict.streak > 1 else ""
        hint = " · hint taken: half points" if verdict.hinted else ""
        return f":white_check_mark: *Correct!* +{verdict.points} pts{streak}{hint}"
    return ":x: *Not quite.*"


def verdict_text(verdict: Verdict) -> str:
    return _verdict_headline(verdict).split("\n")[0]


def answer_modal(
    card_prompt: str, ask_id: str, metadata: dict[str, str], hint: str = "", *, long: bool = False
) -> Block:
    """The modal a typed answer goes through: a number, or (`long`) an interview answer."""
    blocks: list[Block] = [_section(card_prompt or "Type your answer below.")]
    element: Block = {"type": "plain_text_input", "action_id": ANSWER_INPUT}
    if long:
        element.update(multiline=True, max_length=3000)
        hint = "Explain it in a few sentences, as in an interview."
    if hint:
        element["placeholder"] = {"type": "plain_text", "text": _clip(hint, 150)}
    blocks.append(
        {
            "type": "input",
            "block_id": ANSWER_BLOCK,
            "label": {"type": "plain_text", "text": "Your answer"},
            "element": element,
        }
    )
    return {
        "type": "modal",
        "callback_id": ANSWER_MODAL,
        "title": {"type": "plain_text", "text": "CNN quiz"},
        "submit": {"type": "plain_text", "text": "Answer"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps(
            {"ask": ask_id, **metadata}, separators=(",", ":"), ensure_ascii=False
        ),
        "blocks": blocks,
    }


def concept_path_blocks(path: ConceptPath) -> list[Block]:
    chains = "\n".join(f"• {path_text(chain)}" for chain in path.chains) or "• (a foundation)"
    return [_section(f"*{path.name}*\n{path.definition}"), _section(f"*Prerequisites*\n{chains}")]


def notice_blocks(notice: Notice) -> list[Block]:
    blocks = [_section(notice.text)]
    if notice.details:
        blocks.append(_context(*notice.details))
    return blocks


def _reveal_text(minutes: int | None) -> str:
    if minutes is None:
        return "revealed at the next drop"
    hours, rest = divmod(minutes, 60)
    return f"revealed after {hours} h" if not rest else f"revealed after {minutes} min"


def schedules_blocks(schedules: tuple[ScheduleInfo, ...]) -> list[Block]:
    if not schedules:
        return [_section("No drops scheduled. `/cnnquiz drop set <HH:MM> <timezone>` adds one.")]
    lines = [
        f"• <#{s.channel_id}> at {s.time} {s.timezone}, {format_weekdays(s.weekdays)}, "
        f"{_reveal_text(s.reveal_after_minutes)}{'' if s.active else ' (off)'}"
        for s in schedules
    ]
    return [_section("*Drops*\n" + "\n".join(lines))]


def help_blocks(problem: str | None = None) -> list[Block]:
    blocks = [_section(problem)] if problem else []
    return [*blocks, _section(HELP_TEXT)]


def error_blocks(message: str, suggestions: tuple[str, ...] = ()) -> list[Block]:
    blocks = [_section(f":warning: {message}")]
    if suggestions:
        blocks.append(_context("Did you mean: " + ", ".join(suggestions[:5])))
    return blocks


def reveal_blocks(reveal: DropReveal) -> list[Block]:
    """The thread reply that closes a drop: answer, explanation and how the channel did."""
    tally = f"{reveal.answered} answered · {reveal.share_correct:.0%} correct"
    if reveal.first_correct:
        tally += f" · first right: {reveal.first_correct}"
    blocks = [_section(f":bulb: *Answer:* {reveal.answer}\n{reveal.explanation}"), _context(tally)]
    if reveal.source:
        blocks.append(_context(f"Source: {reveal.source}"))
    return blocks
