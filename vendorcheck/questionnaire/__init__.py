"""Questionnaires: their format, validation and the condition language. Pure core, no Flask."""
