"""Matching: mentor pool, the matching engine (``engine``, no Django imports) and its commands."""
