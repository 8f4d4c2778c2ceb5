"""Turn upstream data into normalised records; never touches the database (the runner hands records to store)."""
