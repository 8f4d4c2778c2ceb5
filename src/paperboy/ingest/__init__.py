"""Turn upstream data into normalised records; the runner hands them to the store (no SQL here)."""
