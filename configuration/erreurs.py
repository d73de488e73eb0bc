"""Configuration errors raised at the edge, with a precise English message."""


class ErreurConfiguration(Exception):
    """A configuration or content file is missing or invalid."""

    def __init__(self, message: str, fichier: str | None = None, ligne: int | None = None) -> None:
        self.message = message
        self.fichier = fichier
        self.ligne = ligne
        where = ""
        if fichier:
            where = f"{fichier}:{ligne}: " if ligne else f"{fichier}: "
        super().__init__(f"{where}{message}")
