"""What a shared secret must be: long enough, and not a placeholder copied from an example."""

from __future__ import annotations

from configuration.erreurs import ErreurConfiguration

LONGUEUR_MIN = 16
_PLACEHOLDERS = ("change-me", "changeme", "change_me", "remplacer", "a-changer", "example", "exemple", "placeholder",
                 "your-", "votre-", "xxxxxxxx", "secret-ici", "password", "motdepasse", "mot-de-passe")


def verifier_secret(nom: str, valeur: str) -> None:
    """ErreurConfiguration naming the variable when the secret is missing, short or a known placeholder."""
    if not valeur:
        raise ErreurConfiguration(f"{nom} is not set: give it a random value of at least {LONGUEUR_MIN} characters "
                                  "(e.g. `python3 -c 'import secrets; print(secrets.token_urlsafe(32))'`)")
    if len(valeur) < LONGUEUR_MIN:
        raise ErreurConfiguration(f"{nom} must be at least {LONGUEUR_MIN} characters")
    minuscule = valeur.lower()
    if any(p in minuscule for p in _PLACEHOLDERS) or len(set(valeur)) < 6:
        raise ErreurConfiguration(f"{nom} is a placeholder: replace it with a random value")


def verifier_mot_de_passe_url(nom: str, url: str) -> None:
    """ErreurConfiguration when a database URL carries a placeholder password (e.g. from deploiement/production.env)."""
    from urllib.parse import urlsplit

    try:
        mot_de_passe = urlsplit(url).password or ""
    except ValueError:
        raise ErreurConfiguration(f"{nom} is not a valid URL") from None
    if mot_de_passe and any(p in mot_de_passe.lower() for p in _PLACEHOLDERS):
        raise ErreurConfiguration(f"{nom} holds a placeholder password: replace it with a random value")


def main(argv: list[str] | None = None) -> int:
    """`python -m configuration.secrets VAR…`: exit 2 with one clear error when a required secret is missing or a
    placeholder, or when a database URL in the environment holds a placeholder password."""
    import os
    import sys

    noms = sys.argv[1:] if argv is None else argv
    try:
        for nom in noms:
            verifier_secret(nom, os.environ.get(nom, ""))
        for nom in ("GUICHET_TRACKER_HOTE", "GUICHET_GRC_BASE"):
            if os.environ.get(nom):
                verifier_mot_de_passe_url(nom, os.environ[nom])
    except ErreurConfiguration as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
