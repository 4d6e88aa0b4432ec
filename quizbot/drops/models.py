"""Registration hook: `quizbot.storage.schema` imports it so drop tables join Base.metadata."""

from quizbot.drops.tables import Drop, DropPost, DropSchedule, DropStatus

__all__ = ["Drop", "DropPost", "DropSchedule", "DropStatus"]
