"""Where personal data lives: Rasa's SQL tracker store and the embedded GRC.

Read from the same environment as the servers (GUICHET_TRACKER_DIALECTE,
_HOTE, _BASE, GUICHET_GRC_BASE, GUICHET_DONNEES), so the commands act on the
stores the running assistant uses, SQLite or PostgreSQL.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from configuration.chemins import dossier_donnees
from configuration.erreurs import ErreurConfiguration
from connecteurs.base_sql import dialecte, url_base


@dataclass(frozen=True)
class AdressesBases:
    url_conversations: str  # SQLAlchemy URL of the tracker store
    url_grc: str  # SQLAlchemy URL of the embedded GRC (connecteurs/base_sql.py)
    journal_audit: Path
    url_essais: str  # identity-check attempts counted for remote back ends (connecteurs/essais_identite.py)

    def __post_init__(self) -> None:
        try:
            dialecte(self.url_grc)
        except ValueError as exc:
            raise ErreurConfiguration(str(exc)) from None

    @classmethod
    def depuis_env(cls, env: Mapping[str, str] = os.environ) -> AdressesBases:
        donnees = dossier_donnees(env)
        dialecte = env.get("GUICHET_TRACKER_DIALECTE") or "sqlite"
        base = env.get("GUICHET_TRACKER_BASE") or str(donnees / "conversations.sqlite3")
        hote_complet = env.get("GUICHET_TRACKER_HOTE") or ""
        if "://" in hote_complet:  # a full SQLAlchemy URL, as Rasa accepts it
            url = hote_complet
        elif dialecte == "sqlite":
            url = f"sqlite:///{Path(base).resolve()}"
        elif dialecte.startswith("postgresql"):
            hote = env.get("GUICHET_TRACKER_HOTE") or "localhost"
            utilisateur = env.get("GUICHET_TRACKER_UTILISATEUR", "")
            mot_de_passe = env.get("GUICHET_TRACKER_MOT_DE_PASSE", "")
            acces = f"{utilisateur}:{mot_de_passe}@" if utilisateur else ""
            url = f"{dialecte}://{acces}{hote}/{base}"
        else:
            raise ErreurConfiguration(f"GUICHET_TRACKER_DIALECTE={dialecte!r} is not supported (sqlite or postgresql)")
        return cls(url_conversations=url, url_grc=url_base(env, donnees, "grc.sqlite3"), journal_audit=donnees / "audit_rgpd.jsonl",
                   url_essais=url_base(env, donnees, "essais_identite.sqlite3"))
