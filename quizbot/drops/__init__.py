"""Daily channel drops: schedules, the exactly-once claim, posting, pacing and the reveal."""

from quizbot.drops.publishing import PublishRetryable

__all__ = ["PublishRetryable"]
