"""Pure business rules: no Flask, no SQLAlchemy; `now` is always a parameter."""
