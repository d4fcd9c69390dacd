"""Orchestration: Prefect flows and tasks, and the `zhnews` command line."""
