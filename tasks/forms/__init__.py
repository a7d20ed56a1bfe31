"""Forms of the ledger's pages, one module per area."""
