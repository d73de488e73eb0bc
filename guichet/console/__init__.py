"""The web console for agents and managers (for now: sign-in and the steering dashboard)."""
