"""Rendering user-written text safely."""
