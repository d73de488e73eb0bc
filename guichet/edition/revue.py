"""`revoir`: the questions citizens asked that the assistant did not understand (or hardly), shown to an editor
with the two likeliest entries; one key attaches a question to an entry's questions, to an intent's examples, or
to the off-topic examples. Then `valider` and `publier`, as for any change.

The questions come from the conversation store (the same free messages as the dashboard's « questions sans
réponse »: never a form's answer, a button or a trigger), masked; a question that still holds a mask
(« [téléphone] ») is shown but never added as an example.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from configuration.masquage import LIBELLES_MASQUAGE, masquer
from configuration.preuves_identite import MASQUE as MASQUE_PREUVE
from guichet.construction.libelles import HORS_PERIMETRE, REPLI
from guichet.construction.projet import Projet
from guichet.construction.sources_faq import EntreeSource, lire_sources, rendre_theme
from guichet.pilotage.indicateurs import decouper, intention_affichee

SEUIL_CONFIANCE = 0.8  # an understood message below this confidence is worth a look too
# what masking leaves in a text (configuration/masquage.py, the identity proofs' mask)
MASQUE = re.compile("|".join(re.escape(m) for m in (*LIBELLES_MASQUAGE, MASQUE_PREUVE)))


@dataclass(frozen=True)
class QuestionARevoir:
    texte: str
    fois: int
    decision: str  # what the assistant did: nlu_fallback, or the intent / faq/<id> it chose without much confidence
    confiance: float


def questions_a_revoir(par_sender: Mapping[str, Sequence[Mapping[str, Any]]], seuil: float = SEUIL_CONFIANCE
                       ) -> list[QuestionARevoir]:
    """Free messages not understood or understood with little confidence, most frequent first."""
    fois: Counter[str] = Counter()
    decisions: dict[str, tuple[str, float]] = {}
    for sender, evenements in par_sender.items():
        for conversation in decouper(sender, [dict(e) for e in evenements]):
            for message in conversation.messages_libres:
                nom = intention_affichee(message) or REPLI
                confiance = float(((message.get("parse_data") or {}).get("intent") or {}).get("confidence") or 0.0)
                if nom != REPLI and confiance >= seuil:
                    continue
                texte = " ".join(masquer(str(message.get("text") or "")).split())
                if texte:
                    fois[texte] += 1
                    decisions[texte] = (nom, confiance)
    return [QuestionARevoir(t, n, *decisions[t]) for t, n in sorted(fois.items(), key=lambda x: (-x[1], x[0]))]


def ajouter_question_faq(projet: Projet, cle: str, question: str) -> Path:
    """The question added to the entry `cle`'s questions, its theme file rewritten in the canonical form."""
    sources, _ = lire_sources(projet.faq)
    for theme in sources.themes:
        if any(e.id == cle for e in theme.entrees):
            entrees: list[EntreeSource] = []
            for e in theme.entrees:
                if e.id == cle and question not in e.questions:
                    e = EntreeSource(**{**e.__dict__, "questions": (*e.questions, question)})
                entrees.append(e)
            theme.fichier.write_text(rendre_theme(theme.nom, entrees), encoding="utf-8")
            return theme.fichier
    raise KeyError(cle)


def ajouter_exemple_intention(projet: Projet, intention: str, exemple: str) -> Path:
    """The example added to an intent's block in bot/data/nlu.yml (off-topic included)."""
    chemin = projet.bot / "data" / "nlu.yml"
    texte = chemin.read_text(encoding="utf-8")
    bloc = re.search(rf"- intent: {re.escape(intention)}\n  examples: \|\n((?:    - .*\n)+)", texte)
    if bloc is None:
        raise KeyError(intention)
    if f"    - {exemple}\n" not in bloc.group(1):
        texte = texte[:bloc.end(1)] + f"    - {exemple}\n" + texte[bloc.end(1):]
        chemin.write_text(texte, encoding="utf-8")
    return chemin


Choix = Callable[[str], str]


def revoir(projet: Projet, questions: Sequence[QuestionARevoir], suggestions: Mapping[str, tuple[str | None, str | None]],
           noms: Mapping[str, str], lire: Choix, ecrire: Callable[[str], None]) -> int:
    """Show each question with its two likeliest labels; the editor's key attaches it. The number attached."""
    attachees = 0
    for i, q in enumerate(questions, start=1):
        premier, second = suggestions.get(q.texte, (None, None))
        ecrire(f"\n[{i}/{len(questions)}] « {q.texte} » — {q.fois} fois ; "
               f"l'assistant : {noms.get(q.decision, q.decision)} ({round(q.confiance * 100)} %)")
        options = [c for c in (premier, second) if c]
        for n, cle in enumerate(options, start=1):
            ecrire(f"  {n}  ajouter aux questions de « {noms.get(cle, cle)} » ({cle})")
        ecrire("  h  c'est hors sujet (exemple de ce que l'assistant ne traite pas)\n"
               "  s  passer    q  arrêter    ou tapez l'identifiant d'une entrée (par exemple faq/horaires_mairie)")
        if MASQUE.search(q.texte):
            ecrire("  (cette question contient une donnée masquée : elle ne peut pas servir d'exemple, passée)")
            continue
        reponse = lire("  votre choix : ").strip()
        if reponse == "q":
            break
        cible = options[int(reponse) - 1] if reponse.isdigit() and 1 <= int(reponse) <= len(options) else (
            HORS_PERIMETRE if reponse == "h" else reponse if reponse not in ("", "s") else None)
        if cible is None:
            continue
        try:
            if cible.startswith("faq/"):
                fichier = ajouter_question_faq(projet, cible.removeprefix("faq/"), q.texte)
            else:  # an intent of bot/data/nlu.yml, off-topic included
                fichier = ajouter_exemple_intention(projet, cible, q.texte)
        except KeyError:
            ecrire(f"  « {cible} » n'est ni une entrée ni une intention connue : question passée")
            continue
        attachees += 1
        ecrire(f"  → ajoutée à {noms.get(cible, cible)} ({fichier.relative_to(projet.racine)})")
    return attachees


def periode(jours: int, aujourd_hui: dt.date | None = None) -> tuple[dt.date, dt.date]:
    fin = aujourd_hui or dt.date.today()
    return fin - dt.timedelta(days=jours), fin
