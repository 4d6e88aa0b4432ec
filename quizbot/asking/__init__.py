"""Question generators: multiple choice, concept naming, computed and open (flashcard) asks."""
