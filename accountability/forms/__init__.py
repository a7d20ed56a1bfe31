"""Forms of supervision and accountability, one module per area."""
