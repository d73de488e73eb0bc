"""Guichet's Rasa custom actions (rasa-sdk). They only orchestrate: read slots,
call one connecteur method, answer with a domain response, return events."""
