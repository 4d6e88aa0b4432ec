"""Study replies -> terminal output: a JSON event for scripts, a rich panel for people."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.panel import Panel

from quizbot.study.replies import Explanation, ReviewItem, ReviewList

PATH_ARROW = " → "


def explanation_event(reply: Explanation) -> dict[str, Any]:
    return {
        "type": "more",
        "ask_id": reply.ask_id,
        "prompt": reply.prompt,
        "answer": reply.answer,
        "model_answer": reply.model_answer,
        "key_points": list(reply.key_points),
        "wrong_options": [{"text": o.text, "why": o.why} for o in reply.wrong_options],
        "concept_path": list(reply.concept_path),
        "foundations": list(reply.foundations),
        "sources": [
            {
                "title": a.title,
                "ref": a.ref,
                "question": a.question,
                "answer": a.answer,
                "disputed": a.disputed,
            }
            for a in reply.sources
        ],
        "note": reply.note,
    }


def explanation_panel(reply: Explanation) -> Panel:
    lines = [
        f"[bold]{escape(reply.prompt)}[/]",
        "",
        f"[bold green]Answer:[/] {escape(reply.answer)}",
        "",
        "[bold]Model answer:[/]",
        escape(reply.model_answer),
    ]
    if reply.key_points:
        lines += ["", "[bold]Key points:[/]", *(f"  • {escape(p)}" for p in reply.key_points)]
    if reply.wrong_options:
        lines += ["", "[bold red]Why the other options are wrong:[/]"]
        lines += [f"  • [italic]{escape(o.text)}[/] — {escape(o.why)}" for o in reply.wrong_options]
    if reply.concept_path:
        lines += ["", f"[bold]Concept path:[/] {escape(PATH_ARROW.join(reply.concept_path))}"]
    if reply.foundations:
        lines.append(f"[bold]Down to the basics:[/] {escape(PATH_ARROW.join(reply.foundations))}")
    if reply.note:
        lines += ["", f"[dim]{escape(reply.note)}[/]"]
    if reply.sources:
        lines += ["", "[bold]From the sources:[/]"]
        for a in reply.sources:
            lines.append(f"[bold cyan]{escape(a.title)}, {escape(a.ref)}[/]: {escape(a.question)}")
            lines.append(escape(a.answer) if a.answer else "[dim](no answer given)[/]")
            if a.disputed:
                lines.append(f"[yellow]⚠ Disputed: {escape(a.disputed)}[/]")
    return Panel("\n".join(lines), title="More", title_align="left")


def _item(item: ReviewItem) -> dict[str, Any]:
    return {
        "key": item.key,
        "label": item.label,
        "concept": item.concept,
        "due_at": item.due_at.isoformat(),
        "when": item.when,
    }


def review_event(reviews: ReviewList) -> dict[str, Any]:
    return {
        "type": "review",
        "due_count": reviews.due_count,
        "due": [_item(i) for i in reviews.due],
        "upcoming": [_item(i) for i in reviews.upcoming],
    }


def review_headline(reviews: ReviewList) -> str:
    if reviews.due_count:
        return f"{reviews.due_count} card{'s' if reviews.due_count != 1 else ''} due for review."
    if reviews.next_due is not None:
        return f"Nothing is due for review. The next card is due {reviews.next_due.when}."
    return "No review cards yet: play a few questions first (cnnquiz play)."


def review_panel(reviews: ReviewList) -> Panel:
    lines = [f"[bold]{escape(review_headline(reviews))}[/]"]
    for title, items in (("Due now", reviews.due), ("Coming up", reviews.upcoming)):
        if items:
            lines += ["", f"[bold]{title}:[/]"]
            lines += [f"  [cyan]{escape(i.when)}[/]  {escape(i.label)}" for i in items]
    more = reviews.due_count - len(reviews.due)
    if more:
        lines.append(f"  … and {more} more")
    return Panel("\n".join(lines), title="Review", title_align="left")
