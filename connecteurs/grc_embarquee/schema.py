"""Schema migrations of the embedded GRC, applied in order on start."""

from __future__ import annotations

import sqlite3

MIGRATIONS: tuple[str, ...] = (
    # 1: initial schema
    """
    CREATE TABLE dossiers (
        numero TEXT PRIMARY KEY CHECK (length(numero) = 8),
        intitule TEXT NOT NULL,
        etat TEXT NOT NULL CHECK (etat IN ('en_construction','en_instruction','accepte','refuse','sans_suite')),
        date_depot TEXT NOT NULL,
        date_derniere_etape TEXT NOT NULL,
        date_decision_annoncee TEXT,
        motif TEXT,
        piece_manquante TEXT,
        date_naissance_demandeur TEXT NOT NULL
    );
    CREATE TABLE verrous_identite (
        numero TEXT PRIMARY KEY,
        echecs INTEGER NOT NULL DEFAULT 0,
        verrouille_jusqu_a TEXT
    );
    CREATE TABLE signalements (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        categorie TEXT NOT NULL,
        adresse TEXT NOT NULL,
        adresse_normalisee TEXT NOT NULL,
        description TEXT NOT NULL,
        etat TEXT NOT NULL DEFAULT 'ouvert',
        canal TEXT,
        sender_id TEXT,
        cree_le TEXT NOT NULL
    );
    CREATE INDEX signalements_doublons ON signalements (categorie, adresse_normalisee, etat);
    CREATE TABLE abonnements (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        signalement_id INTEGER NOT NULL REFERENCES signalements(id),
        contact TEXT NOT NULL,
        cree_le TEXT NOT NULL
    );
    CREATE TABLE reclamations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        sujet TEXT NOT NULL,
        description TEXT NOT NULL,
        contact TEXT NOT NULL,
        canal TEXT,
        sender_id TEXT,
        delai_reponse_jours INTEGER NOT NULL,
        cree_le TEXT NOT NULL
    );
    CREATE TABLE escalades (
        reference TEXT PRIMARY KEY,
        type TEXT NOT NULL CHECK (type IN ('conversation','rappel')),
        etat TEXT NOT NULL DEFAULT 'en_attente',
        sender_id TEXT NOT NULL,
        canal TEXT NOT NULL,
        creneau TEXT,
        telephone TEXT,
        contexte TEXT NOT NULL,
        cree_le TEXT NOT NULL
    );
    CREATE INDEX escalades_file ON escalades (etat, cree_le);
    CREATE TABLE satisfactions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        sender_id TEXT NOT NULL,
        canal TEXT NOT NULL,
        note TEXT NOT NULL,
        cree_le TEXT NOT NULL
    );
    """,
    # 2: the agents' console takes escalations over
    """
    ALTER TABLE escalades ADD COLUMN conseiller TEXT;
    ALTER TABLE escalades ADD COLUMN pris_le TEXT;
    ALTER TABLE escalades ADD COLUMN clos_le TEXT;
    """,
)


def migrer(connexion: sqlite3.Connection) -> int:
    """Apply the missing migrations; return the schema version."""
    version = connexion.execute("PRAGMA user_version").fetchone()[0]
    for numero, script in enumerate(MIGRATIONS[version:], start=version + 1):
        connexion.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {numero};\nCOMMIT;")
    return len(MIGRATIONS)
