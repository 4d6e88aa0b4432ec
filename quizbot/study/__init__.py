"""Study tools: full explanations, the review list and interview-style answers."""
