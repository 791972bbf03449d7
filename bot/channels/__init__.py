"""Channels: each translates its platform's messages into `Incoming` and renders `Reply`s."""
