"""A package whose import name is not ASCII."""

GREETING = "¡Hola, café!"
