"""Study replies -> Discord embeds: the full explanation behind "More"."""

from __future__ import annotations

import discord

from adapters.discord.ids import Mode
from adapters.discord.render import (
    BLUE,
    GREY,
    RED,
    Reply,
    card_embed,
    card_view,
    clip,
    fit,
    path_text,
    source_embed,
)
from quizbot.study.replies import Explanation, FlagList, Hint, ReviewItem, ReviewList

MAX_EMBEDS = 10  # per message
MAX_OPTIONS = 10  # field names are never shortened by fit(), so they are kept few and short
MAX_FIELDS = 20  # reported questions listed (an embed holds 25 fields)


def explanation_reply(reply: Explanation) -> Reply:
    """The question, its full model answer, why each wrong option is wrong, the concept path,
    then each source's own answer (as many as fit in one message)."""
    head = discord.Embed(title="📖 More", description=clip(reply.prompt, 2000), colour=BLUE)
    head.add_field(name="Answer", value=clip(reply.answer or "—", 1024), inline=False)
    if reply.key_points:
        points = "\n".join(f"• {p}" for p in reply.key_points)
        head.add_field(name="Key points", value=clip(points, 1024), inline=False)
    if reply.concept_path:
        head.add_field(name="Concept path", value=clip(path_text(reply.concept_path), 1024))
    if reply.foundations:
        head.add_field(name="Down to the basics", value=clip(path_text(reply.foundations), 1024))
    embeds = [
        head,
        discord.Embed(
            title="Model answer", description=clip(reply.model_answer, 4000), colour=BLUE
        ),
    ]
    if reply.wrong_options:
        wrong = discord.Embed(title="Why the other options are wrong", colour=RED)
        for option in reply.wrong_options[:MAX_OPTIONS]:
            wrong.add_field(name=clip(option.text, 100), value=clip(option.why, 1024), inline=False)
        embeds.append(wrong)
    if reply.note:
        embeds.append(discord.Embed(description=clip(reply.note, 1000), colour=GREY))
    room = MAX_EMBEDS - len(embeds)
    sources = [source_embed(a) for a in reply.sources[:room]]
    if sources:
        sources[0].set_author(name="📚 From the sources")
    return Reply(fit([*embeds, *sources]))


def _review_line(item: ReviewItem) -> str:
    stamp = int(item.due_at.timestamp())  # Discord shows it in the reader's own timezone
    return f"<t:{stamp}:f> (<t:{stamp}:R>) · {item.label}"


def review_reply(reviews: ReviewList) -> Reply:
    """The review queue with dates, then the first due card (its buttons answer it)."""
    if reviews.due_count:
        more = reviews.due_count - len(reviews.due)
        title = f"🗂️ {reviews.due_count} card{'s' if reviews.due_count != 1 else ''} due"
        head = discord.Embed(title=title, colour=BLUE)
        lines = [_review_line(i) for i in reviews.due] + ([f"… and {more} more"] if more else [])
        head.add_field(name="Due now", value=clip("\n".join(lines), 1024), inline=False)
    elif reviews.next_due is not None:
        head = discord.Embed(
            title="🗂️ Nothing is due for review",
            description=f"The next card is due {_review_line(reviews.next_due)}",
            colour=GREY,
        )
    else:
        head = discord.Embed(
            title="🗂️ No review cards yet",
            description="Answer a few questions first (`/cnnquiz ask`); they come back here.",
            colour=GREY,
        )
    if reviews.upcoming:
        lines = [_review_line(i) for i in reviews.upcoming]
        head.add_field(name="Coming up", value=clip("\n".join(lines), 1024), inline=False)
    if reviews.card is None:
        return Reply([head])
    return Reply(fit([head, card_embed(reviews.card)]), card_view(reviews.card, Mode.PERSONAL))


def hint_reply(hint: Hint) -> Reply:
    embed = discord.Embed(title="💡 Hint", description=clip(hint.text, 2000), colour=BLUE)
    if hint.note:
        embed.set_footer(text=clip(hint.note, 300))
    return Reply([embed])


def flags_reply(flags: FlagList) -> Reply:
    """Reported questions, most open reports first; each names the id that clears it."""
    if not flags.questions:
        return Reply(content="No open reports on questions. 🎉")
    embed = discord.Embed(
        title="🚩 Reported questions",
        description="Kept out of drops until cleared: `/cnnquiz flags clear:<id>`.",
        colour=BLUE,
    )
    for q in flags.questions[:MAX_FIELDS]:
        reasons = "\n".join(f"• {r}" for r in q.reasons) or "(no reason given)"
        embed.add_field(
            name=clip(f"{q.open} open · {q.total} in all · {q.key}", 256),
            value=clip(f"{q.label}\n{reasons}", 1024),
            inline=False,
        )
    if len(flags.questions) > MAX_FIELDS:
        embed.set_footer(text=f"and {len(flags.questions) - MAX_FIELDS} more")
    return Reply([embed])
