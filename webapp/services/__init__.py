"""Verbs over the database. They flush, never commit: the caller owns the transaction."""
