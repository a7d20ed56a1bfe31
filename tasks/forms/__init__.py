"""Forms of the workspaces. Forms check input and show errors; state changes go through services."""
