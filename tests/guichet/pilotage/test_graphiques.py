"""The dashboard's charts: well-formed SVG that screen readers can read (title, summary) and a data table beside."""

import xml.etree.ElementTree as ET

from guichet.pilotage.graphiques import barres_comparees, conversations_par_jour, figure

SVG = "{http://www.w3.org/2000/svg}"


def test_conversations_per_day_stack_chat_and_phone_and_say_it_in_words():
    svg, resume = conversations_par_jour({"2026-11-02": {"chat": 6, "telephone": 2}, "2026-11-03": {"chat": 1},
                                          "2026-11-04": {"telephone": 3}})
    racine = ET.fromstring(svg)
    assert racine.get("role") == "img" and racine.find(f"{SVG}title").text == "Conversations par jour"
    assert racine.find(f"{SVG}desc").text == resume
    assert resume == ("Du 02/11 au 04/11 : 12 conversations, dont 7 par chat et 5 par téléphone ; "
                      "jour le plus chargé : 02/11 (8).")
    ids = racine.get("aria-labelledby").split()
    assert [racine.find(f"{SVG}title").get("id"), racine.find(f"{SVG}desc").get("id")] == ids
    hauteurs = [float(r.get("height")) for r in racine.findall(f"{SVG}rect")[:6]]
    assert max(hauteurs) == 200 * 6 / 8  # the busiest day's chat part, on the busiest day's scale
    assert conversations_par_jour({})[1] == "Aucune conversation sur la période."


def test_compared_bars_put_the_previous_period_beside_and_escape_labels():
    svg, resume = barres_comparees("Indicateurs", [("Résolution <sans> conseiller", 0.8, 0.7), ("Abandon", 0.05, None)],
                                   en_pourcentage=True)
    racine = ET.fromstring(svg)  # well-formed: the label's < > are escaped
    assert resume == "Résolution <sans> conseiller : 80,0 % (période précédente : 70,0 %); Abandon : 5,0 %."
    assert len(racine.findall(f"{SVG}rect")) == 2 + 1 + 2  # two current bars, one previous, the legend


def test_a_figure_carries_its_data_table():
    html = figure("Satisfaction", "<svg/>", ("Réponse", "Nombre"), [("5 sur 5", 3)])
    assert "<figcaption>Satisfaction</figcaption>" in html and "<td>5 sur 5</td><td>3</td>" in html
    assert "<details><summary>Voir les données de « Satisfaction »</summary>" in html
