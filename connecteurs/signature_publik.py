"""Publik's signed URLs (w.c.s., Passerelle…): the query carries its own HMAC.

The query string gets ``orig`` (who signs), ``algo``, ``timestamp`` (UTC,
``%Y-%m-%dT%H:%M:%SZ``) and a random ``nonce``; the signature is the base64 of
the HMAC of that query string with the key shared with the Publik site, and is
appended as ``&signature=…`` (URL-quoted). The server recomputes it over the
query up to ``&signature=``, refuses a timestamp more than 30 s away and a
nonce seen before.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import urllib.parse
from collections.abc import Mapping, Sequence


def signer_query(
    parametres: Sequence[tuple[str, str]] | Mapping[str, str], cle: str, orig: str, *,
    algo: str = "sha256", maintenant: dt.datetime | None = None, nonce: str | None = None,
) -> str:
    """The signed query string for these parameters."""
    if algo not in hashlib.algorithms_guaranteed:
        raise ValueError(f"unknown hash algorithm {algo!r}")
    paires = list(parametres.items()) if isinstance(parametres, Mapping) else list(parametres)
    instant = (maintenant or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    paires += [("orig", orig), ("algo", algo), ("timestamp", instant.strftime("%Y-%m-%dT%H:%M:%SZ")),
               ("nonce", nonce or secrets.token_hex(16))]
    query = urllib.parse.urlencode(paires)
    signature = base64.b64encode(hmac.new(cle.encode(), query.encode(), getattr(hashlib, algo)).digest()).decode()
    return f"{query}&signature={urllib.parse.quote(signature)}"
