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


def test_unreachable_host_is_a_clear_error(tmp_path, capsys):
    m = manifeste(tmp_path, "http://127.0.0.1:9", ["0" * 64, "0" * 64])
    assert main(["--dossier", str(tmp_path / "modeles")], m) == 1
    assert "download of http://127.0.0.1:9/vosk.zip failed" in capsys.readouterr().err
