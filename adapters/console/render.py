"""Reply objects -> terminal output: rich text for people, one JSON object per line for scripts."""

from __future__ import annotations

import json
from typing import Any, Protocol, TextIO

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from adapters.console.study_render import (
    explanation_event,
    explanation_panel,
    review_event,
    review_panel,
)
from quizbot.replies import (
    AskKind,
    Leaderboard,
    Notice,
    PlayerStats,
    QuestionCard,
    SourceAnswers,
    TeamList,
    Verdict,
)
from quizbot.study.replies import Explanation, Hint, ReviewList

HELP = (
    "Answer with a letter (a-d) or type the answer. Open questions: type your answer as in an "
    "interview (or press Enter to just reveal it), see which key points you covered, then rate "
    "yourself 1-4. 'more' explains the last question in full "
    "(model answer, why the other options are wrong, the sources), 'sources' shows only what "
    "the source documents said, '?' gives a hint (a right answer then earns half points), "
    "'flag [reason]' reports a wrong or unclear question, "
    "'skip' asks something else, 'q' quits."
)
PATH_ARROW = " → "


def question_event(card: QuestionCard) -> dict[str, Any]:
    return {
        "type": "question",
        "ask_id": card.ask_id,
        "kind": card.kind.value,
        "prompt": card.prompt,
        "choices": [{"id": c.id, "text": c.text} for c in card.choices],
        "concepts": list(card.concepts),
        "follow_up_of": card.follow_up_of,
        "concept_path": list(card.concept_path),
        "difficulty": card.difficulty,
        "points": card.points,
        "hint": card.hint,
        "note": card.note,
    }


def verdict_event(verdict: Verdict) -> dict[str, Any]:
    return {
        "type": "verdict",
        "ask_id": verdict.ask_id,
        "correct": verdict.correct,
        "answer": verdict.answer,
        "points": verdict.points,
        "explanation": verdict.explanation,
        "source": verdict.source,
        "already_answered": verdict.already_answered,
        "why_wrong": verdict.why_wrong,
        "key_points": list(verdict.key_points),
        "practice": verdict.practice,
        "hinted": verdict.hinted,
        "typed": verdict.typed,
        "covered": list(verdict.covered),
        "coverage": verdict.coverage,
    }


def sources_event(reply: SourceAnswers) -> dict[str, Any]:
    return {
        "type": "sources",
        "ask_id": reply.ask_id,
        "prompt": reply.prompt,
        "model_answer": reply.model_answer,
        "answers": [
            {
                "title": a.title,
                "ref": a.ref,
                "question": a.question,
                "answer": a.answer,
                "disputed": a.disputed,
            }
            for a in reply.answers
        ],
        "note": reply.note,
    }


def error_message(message: str, suggestions: tuple[str, ...] = ()) -> str:
    if not suggestions:
        return message
    return f"{message} Did you mean: {', '.join(suggestions)}?"


class Output(Protocol):
    """What the play session shows; one implementation per output style."""

    def question(self, card: QuestionCard) -> None: ...

    def verdict(self, verdict: Verdict) -> None: ...

    def error(self, message: str, suggestions: tuple[str, ...] = ()) -> None: ...

    def info(self, text: str) -> None: ...

    def prompt(self, text: str) -> None: ...

    def help(self) -> None: ...

    def sources(self, reply: SourceAnswers) -> None: ...

    def more(self, reply: Explanation) -> None: ...

    def review(self, reviews: ReviewList) -> None: ...

    def hint(self, hint: Hint) -> None: ...

    def notice(self, notice: Notice) -> None: ...


class JsonOutput:
    """JSON lines on stdout: question, verdict, rate (flashcards) and error events."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def emit(self, event: dict[str, Any]) -> None:
        self._stream.write(json.dumps(event, ensure_ascii=False) + "\n")
        self._stream.flush()

    def question(self, card: QuestionCard) -> None:
        self.emit(question_event(card))

    def verdict(self, verdict: Verdict) -> None:
        self.emit(verdict_event(verdict))
        if verdict.rating_choices:
            choices = [{"id": c.id, "text": c.text} for c in verdict.rating_choices]
            self.emit({"type": "rate", "ask_id": verdict.ask_id, "choices": choices})

    def error(self, message: str, suggestions: tuple[str, ...] = ()) -> None:
        self.emit({"type": "error", "message": error_message(message, suggestions)})

    def info(self, text: str) -> None:
        """Chatter is for people; scripts only get events."""

    def prompt(self, text: str) -> None:
        """No prompts between JSON lines."""

    def help(self) -> None:
        self.error(f"That is not an answer. {HELP}")

    def sources(self, reply: SourceAnswers) -> None:
        self.emit(sources_event(reply))

    def more(self, reply: Explanation) -> None:
        self.emit(explanation_event(reply))

    def review(self, reviews: ReviewList) -> None:
        self.emit(review_event(reviews))

    def notice(self, notice: Notice) -> None:
        self.emit({"type": "notice", "text": notice.text, "details": list(notice.details)})

    def hint(self, hint: Hint) -> None:
        self.emit({"type": "hint", "ask_id": hint.ask_id, "text": hint.text, "note": hint.note})


class RichOutput:
    """Colourful cards for a person at a terminal."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def question(self, card: QuestionCard) -> None:
        if card.note:
            self.console.print(f"[cyan]{escape(card.note)}[/]")
        title = _card_title(card)
        body: list[RenderableType] = [f"[bold]{escape(card.prompt)}[/]"]
        if card.choices:
            # A grid, so a long option wraps under its own text, not under its letter.
            options = Table.grid(padding=(0, 2))
            options.add_column(justify="right", no_wrap=True)
            options.add_column()
            for c in card.choices:
                options.add_row(f"  [bold cyan]{c.id.upper()}[/]", escape(c.text))
            body += ["", options]
        hint = (
            _default_hint(card) if card.kind is AskKind.OPEN else card.hint or _default_hint(card)
        )
        if hint:
            body += ["", f"[dim]{escape(hint)}[/]"]
        border = "magenta" if card.is_retry else "yellow" if card.is_follow_up else "blue"
        self.console.print(
            Panel(Group(*body), title=title, title_align="left", border_style=border)
        )

    def verdict(self, verdict: Verdict) -> None:
        lines: list[str] = []
        if verdict.already_answered:
            lines.append("[yellow]You already answered this one; it was scored once.[/]")
        if verdict.closed:
            lines.append("[yellow]This drop has closed.[/]")
        if verdict.correct is True:
            gained = f" [bold green]+{verdict.points} points[/]" if verdict.points else ""
            lines.append(f"[bold green]✔ Right![/]{gained}")
        elif verdict.correct is False:
            lines.append("[bold red]✘ Not quite.[/] [dim]No points this time.[/]")
        if verdict.pending_reveal:
            lines.append("[dim]Points are counted when the answer is revealed.[/]")
        label = "Answer" if verdict.correct is None else "Right answer"
        explained = bool(verdict.explanation) and verdict.explanation != verdict.answer
        if "\n" in verdict.answer:  # a long model answer: the gist first, then all of it
            if explained:
                lines.append(f"[italic]In short: {escape(verdict.explanation)}[/]")
            lines += [f"[bold]{label}:[/]", escape(verdict.answer)]
        else:
            lines.append(f"[bold]{label}:[/] {escape(verdict.answer)}")
            if explained:
                lines.append(f"[italic]{escape(verdict.explanation)}[/]")
        if verdict.why_wrong:
            lines.append(f"[red]Why not your pick:[/] {escape(verdict.why_wrong)}")
        if verdict.practice:
            lines.append(f"[yellow]{escape(verdict.practice)}[/]")
        if verdict.hinted:
            lines.append("[dim]You took a hint: half points.[/]")
        if verdict.key_points:
            marks = (*verdict.covered, *[None] * len(verdict.key_points))
            ticks = {True: "[green]✔[/]", False: "[red]·[/]", None: "•"}
            lines.append("[bold]Key points:[/]")
            lines += [
                f"  {ticks[m]} {escape(p)}" for p, m in zip(verdict.key_points, marks, strict=False)
            ]
        if verdict.coverage:
            lines.append(f"[italic]{escape(verdict.coverage)}[/]")
        if verdict.source:
            lines.append(f"[dim]Source: {escape(verdict.source)}[/]")
        if verdict.streak > 1:
            lines.append(f"[dim]🔥 {verdict.streak}-day streak[/]")
        if verdict.rating_choices:
            options = "  ".join(
                f"[bold cyan]{i}[/] {escape(c.text)}"
                for i, c in enumerate(verdict.rating_choices, 1)
            )
            lines += ["", f"How well did you know it?  {options}"]
        colour = {True: "green", False: "red"}.get(verdict.correct, "cyan")  # type: ignore[arg-type]
        self.console.print(Panel("\n".join(lines), border_style=colour))
        if verdict.next is not None and verdict.next.is_retry:
            self.console.print("[magenta]Now try the original question again.[/]")
        elif verdict.next is not None and verdict.next.is_follow_up:
            self.console.print("[yellow]Let's check a prerequisite first.[/]")

    def error(self, message: str, suggestions: tuple[str, ...] = ()) -> None:
        # soft_wrap: one line a terminal may fold, never a message cut up by newlines
        self.console.print(f"[red]{escape(error_message(message, suggestions))}[/]", soft_wrap=True)

    def info(self, text: str) -> None:
        self.console.print(f"[dim]{escape(text)}[/]")

    def prompt(self, text: str) -> None:
        self.console.print(f"[bold]{escape(text)}[/] ", end="")

    def help(self) -> None:
        self.info(HELP)

    def sources(self, reply: SourceAnswers) -> None:
        lines = [f"[bold]{escape(reply.prompt)}[/]", ""]
        if reply.note:
            lines.append(f"[dim]{escape(reply.note)}[/]")
        for a in reply.answers:
            lines.append(f"[bold cyan]{escape(a.title)}, {escape(a.ref)}[/]: {escape(a.question)}")
            lines.append(escape(a.answer) if a.answer else "[dim](no answer given)[/]")
            if a.disputed:
                lines.append(f"[yellow]⚠ Disputed: {escape(a.disputed)}[/]")
            lines.append("")
        self.console.print(
            Panel("\n".join(lines).rstrip(), title="From the sources", title_align="left")
        )

    def more(self, reply: Explanation) -> None:
        self.console.print(explanation_panel(reply))

    def review(self, reviews: ReviewList) -> None:
        self.console.print(review_panel(reviews))

    def notice(self, notice: Notice) -> None:
        self.console.print(notice_text(notice))

    def hint(self, hint: Hint) -> None:
        note = f" [dim]({escape(hint.note)})[/]" if hint.note else ""
        self.console.print(f"[yellow]💡 {escape(hint.text)}[/]{note}")


def _card_title(card: QuestionCard) -> str:
    path = card.concept_path
    parts: list[str] = []
    if card.is_follow_up and not card.is_retry and len(path) > 1:
        parts.append("[yellow]Follow-up: " + escape(PATH_ARROW.join(path)) + "[/]")
    elif card.kind is AskKind.CONCEPT:
        parts.append("name the concept")
    elif path:
        parts.append(escape(path[-1]))
    if card.is_retry:
        parts.append("[magenta]again[/]")
    if card.difficulty:
        parts.append(escape(card.difficulty))
    if card.points:
        parts.append(f"{card.points} pts")
    if card.kind is AskKind.OPEN:
        parts.append("flashcard")
    return " · ".join(parts)


def _default_hint(card: QuestionCard) -> str:
    if card.kind is AskKind.OPEN:
        return "Type your answer as in an interview (or just press Enter to reveal it)."
    if card.kind is AskKind.COMPUTED:
        return "Type a whole number, like 10 or 10x10."
    return "Type a letter, or the answer itself."


def leaderboard_table(board: Leaderboard) -> Table:
    table = Table(title=board.title, title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("Team" if board.board.value == "teams" else "Player")
    table.add_column("Points", justify="right")
    is_teams = any(r.members is not None for r in board.rows)
    if is_teams:
        table.add_column("Active", justify="right")
        table.add_column("Avg", justify="right")
    rows = list(board.rows)
    if board.caller is not None and all(not r.is_caller for r in rows):
        rows.append(board.caller)
    for row in rows:
        cells = [str(row.rank), escape(row.name), str(row.points)]
        if is_teams:
            cells.append("" if row.members is None else str(row.members))
            cells.append("" if row.average is None else f"{row.average:.1f}")
        table.add_row(*cells, style="bold yellow" if row.is_caller else None)
    return table


def stats_panel(stats: PlayerStats) -> Panel:
    lines = [
        f"[bold]Answered[/] {stats.answered}   [bold]Correct[/] {stats.correct} "
        f"({stats.accuracy:.0%})   [bold]Points[/] {stats.points}",
        f"[bold]Streak[/] {stats.streak} day(s), best {stats.best_streak}   "
        f"[bold]Team[/] {escape(stats.team or '—')}   [bold]Due reviews[/] {stats.due_reviews}",
        f"[bold]Mastered[/] {stats.mastered_text}",
    ]
    if stats.weeks:
        lines.append("[bold]Last four weeks[/] " + " · ".join(stats.week_lines()))
    for label, scores, colour in (
        ("Strongest", stats.strongest, "green"),
        ("Weakest", stats.weakest, "red"),
    ):
        if scores:
            listing = ", ".join(f"{escape(s.name)} {s.mastery:.0%}" for s in scores)
            lines.append(f"[bold {colour}]{label}:[/] {listing}")
        elif label == "Strongest" and stats.weakest:  # only misses so far
            lines.append(f"[bold {colour}]{label}:[/] none yet (keep playing)")
    if stats.team_weakest:
        team = ", ".join(f"{escape(s.name)} {s.mastery:.0%}" for s in stats.team_weakest)
        lines.append(f"[bold red]Your team's weakest:[/] {team}")
    return Panel("\n".join(lines), title=escape(stats.name), title_align="left")


def team_table(teams: TeamList) -> Table | str:
    if not teams.teams:
        return "No teams yet. Create one with: cnnquiz team create NAME"
    table = Table(title="Teams", title_justify="left")
    table.add_column("Team")
    table.add_column("Members", justify="right")
    for team in teams.teams:
        mark = " (yours)" if team.is_mine else ""
        table.add_row(
            escape(team.name) + mark, str(team.members), style="bold" if team.is_mine else None
        )
    return table


def notice_text(notice: Notice) -> str:
    return "\n".join([escape(notice.text), *(f"  {escape(d)}" for d in notice.details)])
