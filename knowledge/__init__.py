"""Pure content code: source parsers, deduplication, the concept ontology and graph."""
