"""The quiz engine's parts by role; `quizbot.service.QuizService` composes them."""
