"""Buttons as DynamicItems (parsed back from their custom id) and the number-answer modal."""

from __future__ import annotations

import re
from typing import Any, Protocol

import discord

from adapters.discord import ids
from adapters.discord.ids import Mode


class ComponentHandler(Protocol):
    """What a button click is handed to (the inbound controller)."""

    async def on_answer(
        self, interaction: discord.Interaction, mode: Mode, ask_id: str, choice_id: str
    ) -> None: ...

    async def on_rate(self, interaction: discord.Interaction, ask_id: str, rating: str) -> None: ...

    async def on_number_button(
        self, interaction: discord.Interaction, mode: Mode, ask_id: str
    ) -> None: ...

    async def on_next(self, interaction: discord.Interaction) -> None: ...

    async def on_sources(self, interaction: discord.Interaction, ask_id: str) -> None: ...

    async def on_more(self, interaction: discord.Interaction, ask_id: str) -> None: ...

    async def on_interview_button(self, interaction: discord.Interaction, ask_id: str) -> None: ...

    async def on_hint(self, interaction: discord.Interaction, ask_id: str) -> None: ...

    async def on_flag(self, interaction: discord.Interaction, ask_id: str) -> None: ...


def handler_of(interaction: discord.Interaction) -> ComponentHandler:
    """The inbound controller the client carries (see app.QuizClient.inbound)."""
    handler: ComponentHandler = interaction.client.inbound  # type: ignore[attr-defined]
    return handler


class AnswerButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ids.ANSWER_TEMPLATE):
    """A choice on a question card."""

    def __init__(
        self,
        mode: Mode,
        ask_id: str,
        choice_id: str,
        label: str,
        *,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                custom_id=ids.answer_id(mode, ask_id, choice_id),
            )
        )
        self.mode, self.ask_id, self.choice_id = mode, ask_id, choice_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AnswerButton:
        label = getattr(item, "label", None) or match["choice"]
        return cls(Mode(match["mode"]), match["ask"], match["choice"], label)

    async def callback(self, interaction: discord.Interaction) -> None:
        await handler_of(interaction).on_answer(interaction, self.mode, self.ask_id, self.choice_id)


class RateButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ids.RATE_TEMPLATE):
    """A self-rating after a flashcard was revealed."""

    def __init__(self, ask_id: str, rating: str, label: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=ids.rate_id(ask_id, rating),
            )
        )
        self.ask_id, self.rating = ask_id, rating

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RateButton:
        label = getattr(item, "label", None) or match["rating"]
        return cls(match["ask"], match["rating"], label)

    async def callback(self, interaction: discord.Interaction) -> None:
        await handler_of(interaction).on_rate(interaction, self.ask_id, self.rating)


class NumberButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ids.NUMBER_TEMPLATE):
    """Opens a modal to type the number a computed question asks for."""

    def __init__(self, mode: Mode, ask_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Type your answer",
                emoji="🔢",
                style=discord.ButtonStyle.primary,
                custom_id=ids.number_id(mode, ask_id),
            )
        )
        self.mode, self.ask_id = mode, ask_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> NumberButton:
        return cls(Mode(match["mode"]), match["ask"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await handler_of(interaction).on_number_button(interaction, self.mode, self.ask_id)


class NextButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ids.NEXT_TEMPLATE):
    """Asks for the next personal question."""

    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label="Next question", style=discord.ButtonStyle.primary, custom_id=ids.next_id()
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> NextButton:
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:
        await handler_of(interaction).on_next(interaction)


class SourcesButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ids.SOURCES_TEMPLATE):
    """Shows what the source documents say about an answered question."""

    def __init__(self, ask_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="From the sources",
                emoji="📚",
                style=discord.ButtonStyle.secondary,
                custom_id=ids.sources_id(ask_id),
            )
        )
        self.ask_id = ask_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SourcesButton:
        return cls(match["ask"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await handler_of(interaction).on_sources(interaction, self.ask_id)


class MoreButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ids.MORE_TEMPLATE):
    """Shows the full explanation of an answered question (the sources included)."""

    def __init__(self, ask_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="More",
                emoji="📖",
                style=discord.ButtonStyle.secondary,
                custom_id=ids.more_id(ask_id),
            )
        )
        self.ask_id = ask_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> MoreButton:
        return cls(match["ask"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await handler_of(interaction).on_more(interaction, self.ask_id)


class InterviewButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=ids.INTERVIEW_TEMPLATE
):
    """Opens a modal to answer an open question in your own words, as in an interview."""

    def __init__(self, ask_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Type your answer",
                emoji="✍️",
                style=discord.ButtonStyle.primary,
                custom_id=ids.interview_id(ask_id),
            )
        )
        self.ask_id = ask_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> InterviewButton:
        return cls(match["ask"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await handler_of(interaction).on_interview_button(interaction, self.ask_id)


class HintButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ids.HINT_TEMPLATE):
    """A hint on a personal question; a right answer then earns half points."""

    def __init__(self, ask_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Hint",
                emoji="💡",
                style=discord.ButtonStyle.secondary,
                custom_id=ids.hint_id(ask_id),
            )
        )
        self.ask_id = ask_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> HintButton:
        return cls(match["ask"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await handler_of(interaction).on_hint(interaction, self.ask_id)


class FlagButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ids.FLAG_TEMPLATE):
    """Reports the question as wrong or unclear; drops leave it out until an admin clears it."""

    def __init__(self, ask_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Flag",
                emoji="🚩",
                style=discord.ButtonStyle.secondary,
                custom_id=ids.flag_id(ask_id),
            )
        )
        self.ask_id = ask_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> FlagButton:
        return cls(match["ask"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await handler_of(interaction).on_flag(interaction, self.ask_id)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    AnswerButton,
    RateButton,
    NumberButton,
    NextButton,
    SourcesButton,  # on verdicts sent before "More" replaced it
    MoreButton,
    InterviewButton,
    HintButton,
    FlagButton,
)
_TEMPLATES: tuple[re.Pattern[str], ...] = tuple(
    item.__discord_ui_compiled_template__ for item in DYNAMIC_ITEMS
)


def dynamic_item_takes(interaction: discord.Interaction, custom_id: str) -> bool:
    """Whether discord.py hands this click to one of DYNAMIC_ITEMS (its checks, mirrored).

    discord.py silently drops a click whose custom id fits no template, that is not a
    button, or whose message does not carry that button (see ViewStore.
    schedule_dynamic_item_call); such a click must be answered by the caller instead.
    """
    data: Any = interaction.data if isinstance(interaction.data, dict) else {}
    message = interaction.message
    if message is None or data.get("component_type") != discord.ComponentType.button.value:
        return False
    if not any(template.fullmatch(custom_id) for template in _TEMPLATES):
        return False
    view_type = discord.ui.LayoutView if message.flags.components_v2 else discord.ui.View
    view = view_type.from_message(message, timeout=None)
    return any(
        item.type is discord.ComponentType.button and getattr(item, "custom_id", None) == custom_id
        for item in view.walk_children()
    )


class NumberModal(discord.ui.Modal):
    """Asks for a typed number.

    It is sent stopped, so discord.py does not keep it: the client's interaction listener
    grades submissions by custom id, which also works for a modal opened before a restart.
    """

    def __init__(self, mode: Mode, ask_id: str, hint: str | None) -> None:
        super().__init__(title="Your answer", custom_id=ids.modal_id(mode, ask_id), timeout=None)
        self.answer: discord.ui.TextInput[NumberModal] = discord.ui.TextInput(
            label="Answer",
            placeholder=(hint or "A number, like 10 or 10x10")[:100],
            max_length=40,
            custom_id="answer",
        )
        self.add_item(self.answer)
        self.stop()


class InterviewModal(discord.ui.Modal):
    """Asks for an interview answer in a paragraph; graded like NumberModal, by custom id."""

    def __init__(self, ask_id: str, prompt: str | None) -> None:
        super().__init__(
            title="Your answer", custom_id=ids.modal_id(Mode.PERSONAL, ask_id), timeout=None
        )
        self.answer: discord.ui.TextInput[InterviewModal] = discord.ui.TextInput(
            label=(prompt or "Answer as you would in an interview")[:45],
            style=discord.TextStyle.paragraph,
            placeholder="Explain it in a few sentences.",
            max_length=4000,
            custom_id="answer",
        )
        self.add_item(self.answer)
        self.stop()


def modal_answer(data: dict[str, Any]) -> str:
    """The typed text of a modal submit payload (first text input found)."""
    for row in data.get("components", ()):
        children = row.get("components") or [row.get("component") or {}]
        for child in children:
            if "value" in child:
                return str(child["value"])
    return ""
