"""Command groups of the `leling` CLI, one module each."""
