"""Guichet: shared configuration, content generation and process launcher."""
