"""What Leling does, one module per domain. Every action takes a `Turn` and returns replies."""
