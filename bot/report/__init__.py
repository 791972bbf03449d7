"""The monthly monitoring report (`leling report`) and the usage figures behind it and /admin."""
