"""Boards, stats, teams and the App Home as Slack Block Kit blocks."""

from __future__ import annotations

from adapters.slack.render import Block, _context, _section
from quizbot.replies import Board, Leaderboard, LeaderboardRow, PlayerStats, TeamList


def _row_text(row: LeaderboardRow, board: Board) -> str:
    name = f"*{row.name}* (you)" if row.is_caller else row.name
    text = f"{row.rank}. {name} — {row.points} pts"
    if board is Board.TEAMS and row.members is not None:
        average = f", {row.average:.1f} per member" if row.average is not None else ""
        text += f" ({row.members} active{average})"
    return text


def leaderboard_blocks(board: Leaderboard) -> list[Block]:
    """The table plus the caller's own rank, even when it is outside the top rows."""
    blocks: list[Block] = [_section(f"*{board.title}*")]
    if board.rows:
        blocks.append(_section("\n".join(_row_text(r, board.board) for r in board.rows)))
    else:
        blocks.append(_section(f"{board.empty_note} `/cnnquiz` to start."))
    caller = board.caller
    if caller is not None:
        blocks.append(_context(f"Your rank: #{caller.rank} · {caller.points} pts"))
    elif board.board is Board.PLAYERS:
        blocks.append(_context("You have no points in this period yet."))
    return blocks


def stats_blocks(stats: PlayerStats) -> list[Block]:
    fields = [
        f"*Answered*\n{stats.answered}",
        f"*Accuracy*\n{stats.accuracy:.0%}",
        f"*Points*\n{stats.points}",
        f"*Streak*\n{stats.streak} (best {stats.best_streak})",
        f"*Team*\n{stats.team or '—'}",
        f"*Due reviews*\n{stats.due_reviews}",
        f"*Mastered*\n{stats.mastered_text}",
    ]
    blocks: list[Block] = [
        _section(f"*Stats for {stats.name}*" if stats.name else "*Your stats*"),
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields]},
    ]
    if stats.strongest:
        strong = ", ".join(f"{c.name} ({c.mastery:.0%})" for c in stats.strongest)
        blocks.append(_section(f"*Strongest:* {strong}"))
    blocks.append(_section(_weakest_text(stats)))
    if stats.weeks:
        blocks.append(_section("*Last four weeks*\n" + "\n".join(stats.week_lines())))
    if stats.team_weakest:
        team = ", ".join(f"{c.name} ({c.mastery:.0%})" for c in stats.team_weakest)
        blocks.append(_section(f"*Your team's weakest:* {team}"))
    if stats.answered:
        blocks.append(_context("Your mastery map comes as a picture in your DM with the bot."))
    return blocks


def _weakest_text(stats: PlayerStats) -> str:
    if not stats.weakest:
        return "*Weakest concepts:* none yet. Answer a few questions first."
    lines = [f"• {c.name} — {c.mastery:.0%} over {c.attempts} tries" for c in stats.weakest]
    return "*Weakest concepts:*\n" + "\n".join(lines)


def team_list_blocks(teams: TeamList) -> list[Block]:
    if not teams.teams:
        return [_section("No teams yet. `/cnnquiz team create <name>` starts one.")]
    lines = [
        f"• {'*' + t.name + '* (yours)' if t.is_mine else t.name} — {t.members} members"
        for t in teams.teams
    ]
    return [_section("*Teams*\n" + "\n".join(lines))]


def home_view(stats: PlayerStats, teams: Leaderboard) -> Block:
    """The App Home tab: the player's stats, weakest concepts and the team leaderboard."""
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "CNN interview quiz"}},
        *stats_blocks(stats),
        {"type": "divider"},
        *leaderboard_blocks(teams),
        {"type": "divider"},
        _context("Type `/cnnquiz` in any channel for a question, `/cnnquiz help` for more."),
    ]
    return {"type": "home", "blocks": blocks[:100]}
