"""Texts shared by the ticketing back ends (GLPI, Zammad): report titles and the conversation context."""

from __future__ import annotations

import json

from connecteurs.adresse import normaliser_adresse
from connecteurs.modeles import CategorieSignalement, ContexteConversation, DemandeRappel


def titre_signalement(categorie: CategorieSignalement, adresse: str) -> str:
    """Also the duplicate-search key: same category and normalised address, same title."""
    return f"[Guichet signalement {categorie.value}] {normaliser_adresse(adresse)}"


def contenu_contexte(contexte: ContexteConversation) -> str:
    """The conversation context as the ticket's text: transcript first, then the structured details.

    Never the conversation's id: over REST it is whatever the client chose, so it stays inside Guichet;
    the ticket and the conversation are linked by the escalation reference."""
    lignes = [f"{t.auteur} : {t.texte}" for t in contexte.transcription]
    details = {k: v for k, v in contexte.en_dict().items() if k not in ("transcription", "sender_id")}
    return "Conversation :\n" + "\n".join(lignes) + "\n\nContexte :\n" + json.dumps(details, ensure_ascii=False, indent=2, default=str)


def contenu_rappel(demande: DemandeRappel) -> str:
    return f"Rappel demandé au {demande.telephone}, créneau : {demande.creneau.value}.\n\n" + contenu_contexte(demande.contexte)
