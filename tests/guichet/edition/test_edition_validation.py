import datetime as dt

from guichet.construction.constats import Niveau
from guichet.edition.validation import Reglages, duree_parole_s, valider
from tests.guichet.edition.conftest import remplacer

AUJOURDHUI = dt.date(2026, 11, 22)
RAPIDE = Reglages(aujourd_hui=AUJOURDHUI, rasa=False)


def messages(constats, niveau=None):
    return [c.formater() for c in constats if niveau is None or c.niveau is niveau]


def un_seul(constats, fragment, niveau):
    trouves = [c for c in constats if fragment in c.message]
    assert len(trouves) == 1, messages(constats)
    assert trouves[0].niveau is niveau, trouves[0]
    return trouves[0]


def test_fixture_sources_are_clean_including_rasa_data_validate(projet):
    constats = valider(projet, Reglages(aujourd_hui=AUJOURDHUI))
    assert constats == [], messages(constats)


def test_identical_question_in_two_entries_is_an_error_naming_both(projet):
    remplacer(projet.faq / "ecole.yml", "  - menu de la cantine cette semaine\n", "  - Horaires piscine municipale !\n")
    c = un_seul(valider(projet, RAPIDE), "est identique", Niveau.ERREUR)
    assert c.fichier.name == "ecole.yml" and c.ligne == 28
    assert "« piscine » (loisirs.yml:" in c.message


def test_near_duplicate_question_is_a_warning_with_its_similarity(projet):
    remplacer(projet.faq / "ecole.yml", "  - menu de la cantine cette semaine\n", "  - quel sont les tarif de la piscine\n")
    c = un_seul(valider(projet, RAPIDE), "ressemble à", Niveau.AVERTISSEMENT)
    assert "quels sont les tarifs de la piscine" in c.message and "%" in c.message


def test_question_colliding_with_a_dialogue_intent_is_reported(projet):
    remplacer(projet.faq / "ecole.yml", "  - menu de la cantine cette semaine\n", "  - je veux parler à un conseiller\n")
    c = un_seul(valider(projet, RAPIDE), "parler à un conseiller", Niveau.ERREUR)
    assert "intention parler_conseiller" in c.message


def test_too_few_questions_is_an_error_but_only_a_warning_for_a_draft(projet):
    chemin = projet.faq / "ecole.yml"
    texte = chemin.read_text(encoding="utf-8")
    debut = texte.index("  - quel est le prix")
    fin = texte.index("  texte:")
    chemin.write_text(texte[:debut] + texte[fin:], encoding="utf-8")
    c = un_seul(valider(projet, RAPIDE), "il en faut au moins 12", Niveau.ERREUR)
    assert c.ligne == 25 and "1 question(s)" in c.message
    remplacer(chemin, "  source: F1234\n", "  source: F1234\n  brouillon: true\n")
    constats = valider(projet, RAPIDE)
    un_seul(constats, "il en faut au moins 12", Niveau.AVERTISSEMENT)
    un_seul(constats, "brouillon, non publié", Niveau.AVERTISSEMENT)


def test_voice_answer_problems(projet):
    chemin = projet.faq / "loisirs.yml"
    remplacer(chemin, "  voix: L'entrée à la piscine coûte trois euros", "  voix: Voir https://piscine.fr ou **appelez**. L'entrée coûte 3 euros")
    constats = valider(projet, RAPIDE)
    ligne_voix = chemin.read_text(encoding="utf-8").splitlines().index("  voix: Voir https://piscine.fr ou **appelez**. L'entrée coûte 3 euros, et un euro cinquante pour les moins de dix-huit ans.") + 1
    assert un_seul(constats, "adresse web", Niveau.ERREUR).ligne == ligne_voix
    un_seul(constats, "mise en forme", Niveau.ERREUR)
    un_seul(constats, "chiffres", Niveau.AVERTISSEMENT)


def test_voice_answer_longer_than_30_seconds_is_refused(projet):
    longue = " ".join(["La médiathèque propose aussi des ateliers pour tous les âges."] * 10)
    remplacer(projet.faq / "loisirs.yml", "  voix: La médiathèque est ouverte", f"  voix: {longue} La médiathèque est ouverte")
    c = un_seul(valider(projet, RAPIDE), "secondes", Niveau.ERREUR)
    assert "environ" in c.message and c.fichier.name == "loisirs.yml"


def test_speech_duration_estimate():
    assert duree_parole_s(" ".join(["mot"] * 80)) == 30.0


def test_broken_references(projet):
    chemin = projet.faq / "loisirs.yml"
    remplacer(chemin, "voir_aussi:\n  - piscine\n", "voir_aussi:\n  - piscine\n  - patinoire\n")
    remplacer(chemin, "L''inscription est gratuite pour les habitants :", "L''inscription (${tarif_inconnu}) est gratuite, voir [le règlement](reglement.pdf) :")
    remplacer(chemin, "source: https://www.ville-demo.fr/piscine", "source: la mairie")
    constats = valider(projet, RAPIDE)
    un_seul(constats, "« patinoire », qui n'existe pas", Niveau.ERREUR)
    un_seul(constats, "${tarif_inconnu}", Niveau.ERREUR)
    un_seul(constats, "reglement.pdf", Niveau.ERREUR)
    un_seul(constats, "source « la mairie »", Niveau.ERREUR)


def test_reference_to_a_draft_is_an_error(projet):
    remplacer(projet.faq / "loisirs.yml", "  source: https://www.ville-demo.fr/piscine\n", "  source: https://www.ville-demo.fr/piscine\n  brouillon: true\n")
    un_seul(valider(projet, RAPIDE), "encore un brouillon", Niveau.ERREUR)


def test_old_review_date_is_a_warning_with_configurable_age(projet):
    remplacer(projet.faq / "ecole.yml", "revue: 2026-09-01", "revue: 2024-01-15")
    c = un_seul(valider(projet, RAPIDE), "à relire", Niveau.AVERTISSEMENT)
    assert c.ligne == 23 and "2024-01-15" in c.message
    assert not [c for c in valider(projet, Reglages(aujourd_hui=AUJOURDHUI, rasa=False, age_max_revue_jours=2000)) if "relire" in c.message]


def test_duplicate_id_across_files(projet):
    remplacer(projet.faq / "ecole.yml", "id: cantine", "id: piscine")
    c = un_seul(valider(projet, RAPIDE), "déjà utilisé", Niveau.ERREUR)
    assert (c.fichier.name, c.ligne) == ("loisirs.yml", 43) and "(ecole.yml:20)" in c.message


def test_generated_bot_keeps_drafts_out_and_adds_see_also_buttons(projet):
    import yaml

    from guichet.construction.generation import generer

    remplacer(projet.faq / "ecole.yml", "  source: F1234\n", "  source: F1234\n  brouillon: true\n")
    generes = generer(projet)
    nlu = generes[projet.nlu_faq]
    assert "faq/cantine" not in nlu and "faq/piscine" in nlu
    reponses = yaml.safe_load(generes[projet.domaine_faq].split("\n", 2)[2])["responses"]
    assert reponses["utter_faq/mediatheque"][0]["buttons"] == [{"title": "Piscine municipale", "payload": '/choisir_sujet{"sujet": "piscine"}'}]
    assert "buttons" not in reponses["utter_faq/mediatheque"][1]  # never on the phone


def test_broken_commune_or_dialogue_texts_are_reported_with_their_line(projet):
    (projet.racine / "contenu" / "reponses.yml").write_text("utter_x:\n  - text: [oups\n", encoding="utf-8")
    c = un_seul(valider(projet, RAPIDE), "invalid YAML", Niveau.ERREUR)
    assert c.fichier.name == "reponses.yml" and c.ligne
    (projet.racine / "contenu" / "commune.yml").unlink()
    c = un_seul(valider(projet, RAPIDE), "file not found", Niveau.ERREUR)
    assert c.fichier.name == "commune.yml"
