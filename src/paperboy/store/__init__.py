"""The only code that speaks SQL: SQLite or PostgreSQL behind one interface."""
