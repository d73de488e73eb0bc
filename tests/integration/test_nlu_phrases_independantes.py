"""French understanding measured on phrases written apart from the training data.

The phrases (tests/nlu/phrases_independantes.yml) are never used to train or
to tune thresholds; this test guards against regressions with floors below
the measured figures (docs/nlu.md).
"""

import pytest

from guichet.construction.evaluation_nlu import Prediction, charger_phrases_independantes, mesurer
from tests.integration.conftest import RACINE

pytestmark = pytest.mark.integration


async def test_independent_phrases(session, serveurs):
    phrases = charger_phrases_independantes(RACINE / "tests" / "nlu" / "phrases_independantes.yml")
    predictions = []
    for texte, attendu in phrases:
        async with session.post(f"{serveurs.url}/model/parse", params={"token": serveurs.config.jeton_api}, json={"text": texte}) as r:
            analyse = await r.json()
        reponse = ((analyse.get("response_selector") or {}).get("faq") or {}).get("response") or {}
        predictions.append(
            Prediction(texte, attendu, analyse["intent"]["name"], analyse["intent"]["confidence"],
                       reponse.get("intent_response_key"), reponse.get("confidence"))
        )
    m = mesurer(predictions, 0.0, 0.0)  # the served model applies its own thresholds
    assert m.n_dans_perimetre >= 75 and m.n_hors_perimetre >= 15
    assert m.exactitude_dans_perimetre >= 0.75, m
    assert m.hors_perimetre_rejete >= 0.75, m
    assert m.hors_perimetre_repondu_par_faq <= 0.07, m  # at most one off-topic phrase answered with an FAQ
