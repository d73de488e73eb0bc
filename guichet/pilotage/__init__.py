"""Steering figures computed from the conversation store (the dashboard's engine)."""
