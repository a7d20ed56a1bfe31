"""Read-side queries of supervision and accountability: rankings, ledgers, snapshots, meeting packs."""
