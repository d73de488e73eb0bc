"""Personal-data operations: retention purge, rights of access and erasure, audit trail.

Run ``python -m guichet.rgpd --help`` (``make rgpd ARGS=...``).
"""
