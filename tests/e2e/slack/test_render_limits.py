"""Rendered Block Kit stays inside Slack's limits even for oversized engine text."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.slack import board_render, render
from quizbot.replies import (
    AskKind,
    Board,
    Choice,
    ConceptScore,
    Leaderboard,
    LeaderboardRow,
    Period,
    PlayerStats,
    QuestionCard,
    Verdict,
)

LONG = "→ convolution ünïcode " * 400  # ~8,800 characters


def _card(kind: AskKind, choices: tuple[Choice, ...] = ()) -> QuestionCard:
    return QuestionCard(
        "ask-" + "x" * 32,
        kind,
        LONG,
        choices,
        ("resnet",),
        ("ResNet", "skip connection", "vanishing gradient"),
        follow_up_of="ask-0",
        hint=LONG,
    )


def _check(blocks: list[dict[str, Any]]) -> None:
    assert 0 < len(blocks) <= 100
    for block in blocks:
        if block["type"] == "section":
            if "text" in block:
                assert 0 < len(block["text"]["text"]) <= 3000
            for field in block.get("fields", []):
                assert 0 < len(field["text"]) <= 2000
            assert len(block.get("fields", [])) <= 10
        elif block["type"] == "context":
            assert 1 <= len(block["elements"]) <= 10
            assert all(0 < len(e["text"]) <= 3000 for e in block["elements"])
        elif block["type"] == "actions":
            assert 1 <= len(block["elements"]) <= 25
            assert len(block.get("block_id", "")) <= 255
            for button in block["elements"]:
                assert 0 < len(button["text"]["text"]) <= 75
                assert len(button["value"]) <= 2000
                assert len(button["action_id"]) <= 255


@pytest.mark.parametrize(
    "card",
    [
        _card(AskKind.CHOICE, tuple(Choice(c, LONG) for c in "abcd")),
        _card(AskKind.COMPUTED),
        _card(AskKind.OPEN),
    ],
    ids=["choice", "computed", "open"],
)
def test_cards_and_verdicts_fit(card: QuestionCard) -> None:
    _check(render.card_blocks(card))
    verdict = Verdict(
        card.ask_id, False, LONG, LONG, LONG, next=card, concept_path=card.concept_path
    )
    _check(render.verdict_blocks(verdict))


def test_modal_and_home_fit() -> None:
    typed = render.card_blocks(_card(AskKind.COMPUTED))[-1]["elements"][0]
    data = json.loads(typed["value"])
    modal = render.answer_modal(
        data["p"], data["ask"], {"url": "https://hooks.slack.com/" + "a" * 120}, data["h"]
    )
    assert len(modal["private_metadata"]) <= 3000 and len(modal["title"]["text"]) <= 24
    _check(modal["blocks"][:1])
    rows = tuple(LeaderboardRow(i, LONG[:80], 10 * i) for i in range(1, 51))
    board = Leaderboard(Board.TEAMS, Period.WEEK, "Teams", rows, rows[7])
    scores = tuple(ConceptScore(f"c{i}", LONG[:60], 0.1, 3) for i in range(20))
    stats = PlayerStats("alice", 10, 5, 50, 1, 3, "Gradients", scores, scores, 2)
    _check(board_render.home_view(stats, board)["blocks"])
    _check(board_render.leaderboard_blocks(board))
