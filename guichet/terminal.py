"""`make chat`: talk to the running assistant from a terminal (like `rasa shell`).

Goes through the REST channel of the running server, so it exercises exactly
what a citizen's client does. Buttons are numbered: type the number to click.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
import uuid


def envoyer(url: str, sender: str, message: str) -> list[dict]:
    corps = json.dumps({"sender": sender, "message": message}).encode()
    requete = urllib.request.Request(url, data=corps, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(requete, timeout=30) as reponse:
        return json.load(reponse)


def main(argv: list[str] | None = None) -> int:
    hote = os.environ.get("GUICHET_HOTE", "127.0.0.1")
    port = os.environ.get("GUICHET_PORT", "5005")
    parser = argparse.ArgumentParser(description="Chat with the running Guichet assistant.")
    parser.add_argument("--url", default=f"http://{hote}:{port}/webhooks/rest/webhook")
    parser.add_argument("--sender", default=f"terminal-{uuid.uuid4().hex[:8]}")
    args = parser.parse_args(argv)
    print(f"Connected to {args.url} as {args.sender}. Empty line or Ctrl-D to quit.")
    boutons: list[dict] = []
    while True:
        try:
            texte = input("vous> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not texte:
            return 0
        if texte.isdigit() and 0 < int(texte) <= len(boutons):
            texte = boutons[int(texte) - 1]["payload"]
        try:
            messages = envoyer(args.url, args.sender, texte)
        except urllib.error.HTTPError as exc:
            print(f"error: the server answered {exc.code}: {exc.read().decode(errors='replace')}", file=sys.stderr)
            continue
        except (urllib.error.URLError, OSError) as exc:
            print(f"error: cannot reach {args.url} ({exc}); is `make run` running?", file=sys.stderr)
            return 2
        boutons = []
        for m in messages:
            if m.get("text"):
                print(f"bot> {m['text']}")
            for b in m.get("buttons") or []:
                boutons.append(b)
                print(f"     [{len(boutons)}] {b['title']}")


if __name__ == "__main__":
    sys.exit(main())
