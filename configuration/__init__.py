"""The kernel every process imports: errors, environment settings, the API token, the commune.

Imports neither Rasa nor aiohttp."""
