"""VecteursMots: the mean of a message's word vectors, read from spaCy's fr_core_news_md table alone."""

import numpy as np
import pytest

from serveur_rasa.vecteurs_mots import ModeleVecteursAbsent, charger


@pytest.fixture(scope="module")
def vecteurs():
    return charger("fr_core_news_md")


def test_the_same_vectors_as_spacy_gives(vecteurs):
    import spacy

    nlp = spacy.load("fr_core_news_md", exclude=["tok2vec", "morphologizer", "parser", "senter", "ner", "attribute_ruler",
                                                 "lemmatizer"])
    attendu = nlp("voiture").vector
    (ligne,) = vecteurs.moyennes(["Voiture"])  # lowercased before the lookup
    assert np.allclose(ligne, attendu / np.linalg.norm(attendu), atol=1e-6)


def test_synonyms_are_close_and_unrelated_words_are_not(vecteurs):
    voiture, bagnole, poubelle = vecteurs.moyennes(["ma voiture", "ma bagnole", "la poubelle"])
    assert float(voiture @ bagnole) > float(voiture @ poubelle) + 0.1
    assert np.linalg.norm(voiture) == pytest.approx(1.0)


def test_unknown_words_and_empty_texts_give_zeros(vecteurs):
    inconnu, vide = vecteurs.moyennes(["qsdfqsdf zzkkww", ""])
    assert not inconnu.any() and not vide.any()
    assert vecteurs.moyennes([]).shape == (0, vecteurs.dimension)


def test_a_missing_model_names_itself_and_the_command_that_installs_it():
    with pytest.raises(ModeleVecteursAbsent, match=r"'fr_core_news_absent'.*make install"):
        charger("fr_core_news_absent")
