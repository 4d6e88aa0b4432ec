"""Neutral reply objects -> Discord embeds and Views (no engine calls, no quiz rules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import discord

from adapters.discord.components import (
    AnswerButton,
    FlagButton,
    HintButton,
    InterviewButton,
    MoreButton,
    NextButton,
    NumberButton,
    RateButton,
)
from adapters.discord.ids import Mode
from quizbot.api import ScheduleInfo
from quizbot.drops.schedule import format_weekdays
from quizbot.replies import (
    AskKind,
    ConceptPath,
    DropReveal,
    Leaderboard,
    LeaderboardRow,
    Notice,
    PlayerStats,
    QuestionCard,
    SourceAnswer,
    SourceAnswers,
    TeamList,
    Verdict,
)

BLUE = discord.Colour.blurple()
GREEN = discord.Colour.green()
RED = discord.Colour.red()
GOLD = discord.Colour.gold()
GREY = discord.Colour.light_grey()
ARROW = " → "
REVEAL_CHOICE = "reveal"  # the response that reveals a flashcard (OPEN ask without choices)
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}
FOOTER_LIMIT = 300  # Discord allows 2,048; a source line never needs that much
EMBED_BUDGET = 5900  # Discord allows 6,000 characters over all embeds of one message


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def path_text(path: tuple[str, ...] | list[str]) -> str:
    """'ResNet → skip connection → vanishing gradient'."""
    return ARROW.join(path)


def _card_title(card: QuestionCard) -> str:
    if card.is_drop:
        return "📣 Daily drop"
    if card.is_retry:
        return "🔁 Now the original question again"
    if card.is_follow_up:
        return "↪️ Follow-up: a prerequisite first"
    return "❓ Question"


def card_embed(card: QuestionCard) -> discord.Embed:
    embed = discord.Embed(title=_card_title(card), description=clip(card.prompt, 2000), colour=BLUE)
    if card.note:
        embed.add_field(name="Topic done", value=clip(card.note, 1024), inline=False)
    if card.choices:
        lines = [f"**{c.id.upper()}.** {c.text}" for c in card.choices]
        embed.add_field(name="Choices", value=clip("\n".join(lines), 1024), inline=False)
    if card.hint:
        embed.add_field(name="Hint", value=clip(card.hint, 1024), inline=False)
    if card.is_follow_up or card.is_retry or len(card.concept_path) > 1:
        embed.add_field(name="Concept path", value=clip(path_text(card.concept_path), 1024))
    footer = [x for x in (card.difficulty, f"{card.points} pts" if card.points else None) if x]
    if card.source:
        footer.append(f"source: {card.source}")
    if footer:
        embed.set_footer(text=clip(" · ".join(footer), FOOTER_LIMIT))
    return embed


def card_view(card: QuestionCard, mode: Mode) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    if card.choices:
        for choice in card.choices:
            label = clip(f"{choice.id.upper()}. {choice.text}", 80)
            view.add_item(AnswerButton(mode, card.ask_id, choice.id, label))
    elif card.kind is AskKind.OPEN:
        if mode is Mode.PERSONAL:
            view.add_item(InterviewButton(card.ask_id))
        view.add_item(AnswerButton(mode, card.ask_id, REVEAL_CHOICE, "Just show the answer"))
    else:
        view.add_item(NumberButton(mode, card.ask_id))
    if mode is Mode.PERSONAL:
        view.add_item(HintButton(card.ask_id))
    return view


def verdict_embed(verdict: Verdict) -> discord.Embed:
    if verdict.closed:
        embed = discord.Embed(title="⏰ This drop is closed", colour=GREY)
    elif verdict.already_answered:
        embed = discord.Embed(
            title="☑️ You already answered this one", colour=GREY, description="Not scored again."
        )
    elif verdict.pending_reveal:
        embed = discord.Embed(
            title="📨 Answer received",
            colour=BLUE,
            description="Points are counted at the reveal.",
        )
    elif verdict.correct is None:
        embed = discord.Embed(title="📖 Answer", colour=BLUE)
    elif verdict.correct:
        points = f" +{verdict.points} points" if verdict.points else ""
        embed = discord.Embed(title=f"✅ Correct!{points}", colour=GREEN)
    else:
        embed = discord.Embed(title="❌ Not quite", colour=RED)
    # Nothing that would spoil a drop before its reveal, and nothing twice.
    if not (verdict.pending_reveal or verdict.already_answered or verdict.closed):
        if verdict.why_wrong:
            embed.add_field(name="Why not your pick", value=clip(verdict.why_wrong, 1024))
        if verdict.practice:
            embed.add_field(name="Practice", value=clip(verdict.practice, 1024), inline=False)
        if verdict.hinted:
            embed.add_field(name="💡 Hint", value="You took a hint: half points.", inline=False)
        embed.add_field(name="Answer", value=clip(verdict.answer or "—", 1024), inline=False)
        if verdict.explanation:
            embed.add_field(name="Why", value=clip(verdict.explanation, 1024), inline=False)
        if verdict.typed:
            embed.add_field(name="Your answer", value=clip(verdict.typed, 1024), inline=False)
        if verdict.key_points:
            embed.add_field(name="Key points", value=clip(_points(verdict), 1024), inline=False)
        if verdict.coverage:
            embed.add_field(name="Coverage", value=clip(verdict.coverage, 1024), inline=False)
    if verdict.concept_path:
        embed.add_field(name="Concept path", value=clip(path_text(verdict.concept_path), 1024))
    if verdict.streak > 1 and verdict.correct:
        embed.add_field(name="Streak", value=f"🔥 {verdict.streak}")
    if verdict.source:
        embed.set_footer(text=clip(f"source: {verdict.source}", FOOTER_LIMIT))
    return embed


def _points(verdict: Verdict) -> str:
    """Key points, each ticked when the typed answer covered it."""
    if not verdict.covered:
        return "\n".join(f"• {p}" for p in verdict.key_points)
    marks = (*verdict.covered, *[False] * len(verdict.key_points))
    return "\n".join(
        f"{'✅' if m else '⬜'} {p}" for p, m in zip(verdict.key_points, marks, strict=False)
    )


def fit(embeds: list[discord.Embed], budget: int = EMBED_BUDGET) -> list[discord.Embed]:
    """Shorten the longest texts until the embeds fit Discord's 6,000 characters per message."""
    while sum(len(e) for e in embeds) > budget:
        texts = [(len(e.description or ""), i, -1) for i, e in enumerate(embeds)]
        texts += [
            (len(f.value or ""), i, j) for i, e in enumerate(embeds) for j, f in enumerate(e.fields)
        ]
        size, i, j = max(texts)
        if size <= 1:
            break
        keep = max(size - (sum(len(e) for e in embeds) - budget), size // 2, 1)
        if j < 0:
            embeds[i].description = clip(embeds[i].description or "", keep)
        else:
            field = embeds[i].fields[j]
            embeds[i].set_field_at(
                j, name=field.name, value=clip(field.value or "", keep), inline=bool(field.inline)
            )
    return embeds


def card_reply(card: QuestionCard, mode: Mode = Mode.PERSONAL) -> Reply:
    return Reply([card_embed(card)], card_view(card, mode))


def verdict_reply(verdict: Verdict, mode: Mode) -> Reply:
    """The verdict, then what comes next: rating buttons, a follow-up or the original again.

    A drop's verdict stands alone: the channel's question is not a personal session.
    """
    embeds = [verdict_embed(verdict)]
    flag = FlagButton(verdict.ask_id)
    if mode is Mode.DROP:
        return Reply(embeds, discord.ui.View(timeout=None).add_item(flag))
    more = MoreButton(verdict.ask_id)
    if verdict.rating_choices:
        view = discord.ui.View(timeout=None)
        for choice in verdict.rating_choices:
            view.add_item(RateButton(verdict.ask_id, choice.id, clip(choice.text, 80)))
        return Reply(embeds, view.add_item(more).add_item(flag))
    if verdict.next is not None:
        embeds.append(card_embed(verdict.next))
        return Reply(fit(embeds), card_view(verdict.next, mode).add_item(more).add_item(flag))
    if not (verdict.pending_reveal or verdict.closed):
        view = discord.ui.View(timeout=None).add_item(NextButton())
        return Reply(embeds, view.add_item(more).add_item(flag))
    return Reply(embeds, discord.ui.View(timeout=None).add_item(flag))


def sources_reply(reply: SourceAnswers) -> Reply:
    """'From the sources': one embed per source answer, after the question itself."""
    head = discord.Embed(title="📚 From the sources", description=clip(reply.prompt, 2000))
    head.colour = BLUE
    if reply.note:
        head.add_field(name="Note", value=clip(reply.note, 1024), inline=False)
    embeds = [head, *(source_embed(a) for a in reply.answers[:9])]  # ten embeds a message
    return Reply(fit(embeds))


def source_embed(a: SourceAnswer) -> discord.Embed:
    """One source document's answer: its title and ref, how it asked, disputed or not."""
    embed = discord.Embed(
        title=clip(f"{a.title}, {a.ref}", 256),
        description=clip(a.answer or "(no answer given)", 4000),
        colour=GOLD if a.disputed else GREY,
    )
    embed.add_field(name="Asked as", value=clip(a.question, 1024), inline=False)
    if a.disputed:
        embed.add_field(name="⚠️ Disputed", value=clip(a.disputed, 1024), inline=False)
    return embed


def _row_line(row: LeaderboardRow) -> str:
    rank = MEDALS.get(row.rank, f"`#{row.rank}`")
    extra = ""
    if row.members is not None:
        avg = f", {row.average:.1f}/member" if row.average is not None else ""
        extra = f" · {row.members} active{avg}"
    name = f"**{row.name}**" if row.is_caller else row.name
    return f"{rank} {name} — {row.points} pts{extra}"


def leaderboard_embed(board: Leaderboard) -> discord.Embed:
    lines = [_row_line(r) for r in board.rows] or [f"{board.empty_note} Be the first!"]
    embed = discord.Embed(title=f"🏆 {board.title}", description=clip("\n".join(lines), 4000))
    embed.colour = GOLD
    if board.caller is not None:
        embed.add_field(name="Your rank", value=_row_line(board.caller), inline=False)
    else:
        embed.add_field(name="Your rank", value="Not ranked yet for this period.", inline=False)
    return embed


def stats_embed(stats: PlayerStats) -> discord.Embed:
    embed = discord.Embed(title=f"📊 {stats.name}", colour=BLUE)
    embed.add_field(name="Answered", value=str(stats.answered))
    embed.add_field(name="Accuracy", value=f"{stats.accuracy:.0%}")
    embed.add_field(name="Points", value=str(stats.points))
    embed.add_field(name="Streak", value=f"{stats.streak} (best {stats.best_streak})")
    embed.add_field(name="Team", value=stats.team or "—")
    embed.add_field(name="Due reviews", value=str(stats.due_reviews))
    embed.add_field(name="Mastered", value=stats.mastered_text)
    if stats.weeks:
        embed.add_field(name="Last four weeks", value="\n".join(stats.week_lines()), inline=False)
    for title, scores in (
        ("Strongest", stats.strongest),
        ("Weakest", stats.weakest),
        ("Your team's weakest", stats.team_weakest),
    ):
        if scores:
            value = "\n".join(f"{s.name}: {s.mastery:.0%} ({s.attempts})" for s in scores)
            embed.add_field(name=title, value=clip(value, 1024), inline=False)
    return embed


def team_list_embed(teams: TeamList) -> discord.Embed:
    lines = [
        f"{'**' + t.name + '**' if t.is_mine else t.name} — {t.members} member"
        f"{'' if t.members == 1 else 's'}"
        for t in teams.teams
    ] or ["No teams yet. Create one with `/cnnquiz team create`."]
    embed = discord.Embed(title="👥 Teams", description=clip("\n".join(lines), 4000), colour=BLUE)
    embed.set_footer(text=f"Your team: {teams.mine}" if teams.mine else "You are in no team.")
    return embed


def notice_text(notice: Notice) -> str:
    return clip("\n".join([notice.text, *(f"• {d}" for d in notice.details)]), 2000)


def missing_permissions_text(missing: list[str]) -> str:
    return (
        f"⚠️ I can't post drops in this channel yet: give me {', '.join(missing)} here "
        "(channel settings → Permissions)."
    )


def _reveal_text(minutes: int | None) -> str:
    if minutes is None:
        return "revealed at the next drop"
    hours, rest = divmod(minutes, 60)
    return f"revealed after {hours} h" if not rest else f"revealed after {minutes} min"


def schedules_text(schedules: tuple[ScheduleInfo, ...]) -> str:
    if not schedules:
        return "No drops scheduled. `/cnnquiz drop set <HH:MM> <timezone>` adds one."
    lines = [
        f"• <#{s.channel_id}> at {s.time} {s.timezone}, {format_weekdays(s.weekdays)}, "
        f"{_reveal_text(s.reveal_after_minutes)}{'' if s.active else ' (paused)'}"
        for s in schedules
    ]
    return clip("**Drops**\n" + "\n".join(lines), 2000)


def path_embed(path: ConceptPath, image_name: str | None) -> discord.Embed:
    embed = discord.Embed(title=f"🧭 {path.name}", description=clip(path.definition, 3000))
    embed.colour = BLUE
    chains = [path_text(chain) for chain in path.chains if chain] or [path.name]
    embed.add_field(name="Prerequisite chains", value=clip("\n".join(chains), 1024), inline=False)
    if image_name:
        embed.set_image(url=f"attachment://{image_name}")
    return embed


def drop_embed(card: QuestionCard) -> discord.Embed:
    embed = card_embed(card)
    embed.set_author(name="Answer privately with the buttons — results at the reveal")
    return embed


def reveal_embed(reveal: DropReveal) -> discord.Embed:
    embed = discord.Embed(title="📣 Drop reveal", description=clip(reveal.prompt, 2000))
    embed.colour = GOLD
    embed.add_field(name="Answer", value=clip(reveal.answer, 1024), inline=False)
    if reveal.explanation:
        embed.add_field(name="Why", value=clip(reveal.explanation, 1024), inline=False)
    share = f"{reveal.correct}/{reveal.answered} correct ({reveal.share_correct:.0%})"
    embed.add_field(name="How the channel did", value=share if reveal.answered else "No answers.")
    if reveal.first_correct:
        embed.add_field(name="First correct", value=clip(reveal.first_correct, 256))
    if reveal.source:
        embed.set_footer(text=clip(f"source: {reveal.source}", FOOTER_LIMIT))
    return embed


HELP_LINES = (
    ("/cnnquiz ask [topic]", "a personal question (only you see it)"),
    ("/cnnquiz review", "your due and upcoming review cards, then the due ones"),
    ("/cnnquiz leaderboard [players|teams] [week|month|all]", "who leads"),
    ("/cnnquiz team create|join|leave|list", "play as a team"),
    ("/cnnquiz stats", "your accuracy, streak, strongest and weakest concepts"),
    ("/cnnquiz path <concept>", "the prerequisite chain of a concept"),
    ("/cnnquiz drop set|off|now|list", "daily drops in a channel (Manage Server only)"),
)


def help_embed() -> discord.Embed:
    embed = discord.Embed(
        title="CNN interview quiz",
        description=(
            "Answer with the buttons (💡 Hint helps, for half points). A wrong answer leads "
            "to a question on the prerequisite concept behind it, then back to the original."
        ),
        colour=BLUE,
    )
    for name, what in HELP_LINES:
        embed.add_field(name=name, value=what, inline=False)
    return embed


def error_text(message: str, suggestions: tuple[str, ...] = ()) -> str:
    if suggestions:
        message += "\nDid you mean: " + ", ".join(suggestions[:5]) + "?"
    return clip(message, 2000)


@dataclass
class Reply:
    """One message to send: embeds, an optional View and attachments, or plain text."""

    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None
    content: str | None = None
    files: list[discord.File] = field(default_factory=list)

    def kwargs(self) -> dict[str, Any]:
        out: dict[str, Any] = {"embeds": self.embeds, "files": self.files}
        if self.content:
            out["content"] = self.content
        if self.view is not None:
            out["view"] = self.view
        return out


def error_reply(message: str, suggestions: tuple[str, ...] = ()) -> Reply:
    return Reply(content=f"⚠️ {error_text(message, suggestions)}")


OOPS = "Something went wrong on our side. Please try again in a moment."
