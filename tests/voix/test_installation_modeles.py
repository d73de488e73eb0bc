"""`make modeles` against a local HTTP server standing in for the model hosts (unreachable here)."""

import hashlib
import io
import json
import threading
import zipfile
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from voix.installation_modeles import main


@pytest.fixture
def hote(tmp_path):
    racine = tmp_path / "hote"
    racine.mkdir()
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as z:
        z.writestr("vosk-model-small-fr-0.22/am/final.mdl", b"modele")
        z.writestr("vosk-model-small-fr-0.22/conf/model.conf", b"conf")
    (racine / "vosk.zip").write_bytes(tampon.getvalue())
    (racine / "voix.onnx").write_bytes(b"onnx" * 100)
    serveur = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(racine)))
    threading.Thread(target=serveur.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{serveur.server_address[1]}", racine
    serveur.shutdown()


def manifeste(tmp_path, url, empreintes):
    chemin = tmp_path / "modeles.json"
    chemin.write_text(json.dumps({
        "vosk-model-small-fr-0.22": {"url": f"{url}/vosk.zip", "format": "zip", "sha256": empreintes[0]},
        "fr_FR-siwis-medium.onnx": {"url": f"{url}/voix.onnx", "format": "fichier", "sha256": empreintes[1]},
    }))
    return chemin


def sha(chemin):
    return hashlib.sha256(chemin.read_bytes()).hexdigest()


def test_pinned_checksums_install_then_skip(hote, tmp_path, capsys):
    url, racine = hote
    m = manifeste(tmp_path, url, [sha(racine / "vosk.zip"), sha(racine / "voix.onnx")])
    assert main(["--dossier", str(tmp_path / "modeles")], m) == 0
    assert (tmp_path / "modeles" / "vosk-model-small-fr-0.22" / "am" / "final.mdl").read_bytes() == b"modele"
    assert (tmp_path / "modeles" / "fr_FR-siwis-medium.onnx").stat().st_size == 400
    assert main(["--dossier", str(tmp_path / "modeles")], m) == 0
    assert "already installed" in capsys.readouterr().out


def test_checksum_mismatch_installs_nothing(hote, tmp_path, capsys):
    url, racine = hote
    m = manifeste(tmp_path, url, ["0" * 64, sha(racine / "voix.onnx")])
    assert main(["--dossier", str(tmp_path / "modeles")], m) == 1
    assert "checksum mismatch" in capsys.readouterr().err
    assert not (tmp_path / "modeles" / "vosk-model-small-fr-0.22").exists()


def test_unpinned_entries_need_the_explicit_flag_and_are_recorded(hote, tmp_path, capsys):
    url, racine = hote
    m = manifeste(tmp_path, url, [None, None])
    assert main(["--dossier", str(tmp_path / "modeles")], m) == 1
    assert "no pinned checksum" in capsys.readouterr().err
    assert main(["--dossier", str(tmp_path / "modeles"), "--enregistrer-empreintes"], m) == 0
    enregistre = json.loads(m.read_text())
    assert enregistre["fr_FR-siwis-medium.onnx"]["sha256"] == sha(racine / "voix.onnx")
    assert enregistre["fr_FR-siwis-medium.onnx"]["taille"] == 400


def test_published_size_and_md5_pin_an_entry(hote, tmp_path, capsys):
    url, racine = hote
    m = tmp_path / "modeles.json"
    m.write_text(json.dumps({"voix.onnx": {"url": f"{url}/voix.onnx", "format": "fichier", "taille": 400,
                                           "md5": hashlib.md5(racine.joinpath("voix.onnx").read_bytes()).hexdigest(), "sha256": None}}))
    assert main(["--dossier", str(tmp_path / "modeles")], m) == 0
    assert (tmp_path / "modeles" / "voix.onnx").read_bytes() == b"onnx" * 100
    # recording on a trusted machine adds the SHA-256 beside the published MD5
    (tmp_path / "modeles" / "voix.onnx").unlink()
    assert main(["--dossier", str(tmp_path / "modeles"), "--enregistrer-empreintes"], m) == 0
    assert json.loads(m.read_text())["voix.onnx"]["sha256"] == sha(racine / "voix.onnx")


@pytest.mark.parametrize("champ, valeur, message", [
    ("md5", "0" * 32, "MD5 mismatch"),
    ("taille", 401, "size mismatch"),
    ("taille", 399, "larger than the pinned 399 bytes"),
])
def test_a_published_pin_that_does_not_match_installs_nothing(hote, tmp_path, capsys, champ, valeur, message):
    url, racine = hote
    entree = {"url": f"{url}/voix.onnx", "format": "fichier", "taille": 400,
              "md5": hashlib.md5(racine.joinpath("voix.onnx").read_bytes()).hexdigest(), "sha256": None}
    entree[champ] = valeur
    m = tmp_path / "modeles.json"
    m.write_text(json.dumps({"voix.onnx": entree}))
    assert main(["--dossier", str(tmp_path / "modeles")], m) == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "modeles" / "voix.onnx").exists()


def test_an_unpinned_entry_does_not_stop_the_pinned_ones(hote, tmp_path, capsys):
    url, racine = hote
    m = manifeste(tmp_path, url, [None, sha(racine / "voix.onnx")])
    assert main(["--dossier", str(tmp_path / "modeles")], m) == 1
    err = capsys.readouterr().err
    assert "vosk-model-small-fr-0.22: no pinned checksum" in err and "1 model file(s) not installed" in err
    assert (tmp_path / "modeles" / "fr_FR-siwis-medium.onnx").exists()


def test_the_piper_voice_is_pinned_as_its_catalogue_publishes_it():
    """The project's own manifest: the Piper files carry the catalogue's size and MD5 and say where they come from."""
    from voix.installation_modeles import MANIFESTE, lire_manifeste
    entrees = {e.nom: e for e in lire_manifeste(MANIFESTE)}
    brut = json.loads(MANIFESTE.read_text())
    for nom in ("fr_FR-siwis-medium.onnx", "fr_FR-siwis-medium.onnx.json"):
        e = entrees[nom]
        assert e.epingle and e.taille and len(e.md5 or "") == 32 and "/v1.0.0/" in e.url
        assert "voices.json" in brut[nom]["source"]


def test_unreachable_host_is_a_clear_error(tmp_path, capsys):
    m = manifeste(tmp_path, "http://127.0.0.1:9", ["0" * 64, "0" * 64])
    assert main(["--dossier", str(tmp_path / "modeles")], m) == 1
    assert "download of http://127.0.0.1:9/vosk.zip failed" in capsys.readouterr().err
