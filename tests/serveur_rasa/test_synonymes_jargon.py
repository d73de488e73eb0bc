"""The jargon table: the plain words of each variant a message holds are appended after it."""

from serveur_rasa.synonymes_jargon import TableSynonymes

TABLE = TableSynonymes({"CNI": "carte nationale d'identité", "carte d'id": "carte nationale d'identité",
                        "déchèterie": "déchetterie", "zone bleue": "stationnement", "zone": "quartier"})


def test_whole_words_whatever_the_accents_and_case():
    assert TABLE.developper("j'ai perdu ma CNI") == "j'ai perdu ma CNI carte nationale d'identité"
    assert TABLE.developper("ma cni.") == "ma cni. carte nationale d'identité"
    assert TABLE.developper("la DECHETERIE ouvre quand") == "la DECHETERIE ouvre quand déchetterie"
    assert TABLE.developper("la CNIL et mes données") == "la CNIL et mes données"  # not a word of the table
    assert TABLE.developper("bonjour") == "bonjour"


def test_each_plain_phrase_once_and_the_longest_variant_first():
    assert TABLE.developper("CNI ou carte d'id, ma cni") == "CNI ou carte d'id, ma cni carte nationale d'identité"
    # « zone bleue » is read as one variant, not as « zone » then « bleue »
    assert TABLE.developper("zone bleue disque") == "zone bleue disque stationnement"
    assert TABLE.developper("une zone bleue et une autre zone") == "une zone bleue et une autre zone stationnement quartier"


def test_an_empty_table_leaves_the_text_alone():
    vide = TableSynonymes({})
    assert len(vide) == 0 and vide.developper("ma CNI") == "ma CNI"
    assert len(TABLE) == 5
