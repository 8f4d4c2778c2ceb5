"""Digests: choose papers per subscriber, render HTML and text, queue them in the outbox, send over SMTP."""
