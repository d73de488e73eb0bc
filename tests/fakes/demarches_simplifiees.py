"""A local Démarches Simplifiées GraphQL API v2 for contract tests.

The schema below is the part of DS's published schema
(app/graphql/schema.graphql in demarches-simplifiees.fr) that Guichet
queries, with the same type and field names, nullability and enum values;
queries are parsed and validated against it by graphql-core, so a query DS
would reject is rejected here too. Behaviour follows DS's GraphQL controller:
Bearer token, HTTP 200 with ``errors`` for execution errors (``not_found``
code for an unknown dossier), HTTP 400 for a query that cannot be parsed,
HTTP 500 "Internal Server Error".
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from graphql import GraphQLError, build_schema, graphql

SCHEMA = build_schema('''
scalar ISO8601Date
scalar ISO8601DateTime

enum DossierState { accepte en_construction en_instruction refuse sans_suite }
enum DemarcheState { brouillon close depubliee publiee }

interface Champ {
  id: ID!
  label: String!
  stringValue: String
}

type TextChamp implements Champ {
  id: ID!
  label: String!
  stringValue: String
  value: String
}

type DateChamp implements Champ {
  date: ISO8601Date
  id: ID!
  label: String!
  stringValue: String
  value: ISO8601DateTime @deprecated(reason: "Utilisez le champ `date` ou le fragment `DatetimeChamp` à la place.")
}

type Profile {
  email: String!
  id: ID!
}

type DemarcheDescriptor {
  id: ID!
  number: Int!
  state: DemarcheState!
  title: String!
}

type Dossier {
  champs(id: ID): [Champ!]!
  dateDepot: ISO8601DateTime!
  dateDerniereModification: ISO8601DateTime!
  datePassageEnConstruction: ISO8601DateTime!
  datePassageEnInstruction: ISO8601DateTime
  dateTraitement: ISO8601DateTime
  demarche: DemarcheDescriptor!
  id: ID!
  motivation: String
  number: Int!
  state: DossierState!
  usager: Profile!
}

type Query {
  dossier(number: Int!): Dossier!
}
''')


@dataclass
class FauxDemarchesSimplifiees:
    jeton: str = "jeton-ds-de-test"
    dossiers: dict[int, dict[str, Any]] = field(default_factory=dict)
    panne: str | None = None  # None, "500", "lent", "json", "429"
    requetes: list[dict[str, Any]] = field(default_factory=list)

    def ajouter(self, number: int, state: str, date_naissance: str, titre: str = "Permis de construire", **dates: str) -> None:
        self.dossiers[number] = {
            "id": f"RG9zc2llci0{number}", "number": number, "state": state,
            "dateDepot": dates.get("dateDepot", "2026-09-01T10:00:00+02:00"),
            "dateDerniereModification": "2026-10-01T10:00:00+02:00",
            "datePassageEnConstruction": dates.get("dateDepot", "2026-09-01T10:00:00+02:00"),
            "datePassageEnInstruction": dates.get("datePassageEnInstruction"),
            "dateTraitement": dates.get("dateTraitement"),
            "motivation": dates.get("motivation"),
            "demarche": {"id": "UHJvY2VkdXJlLTE=", "number": 1, "state": "publiee", "title": titre},
            "usager": {"id": "VXNlci0x", "email": "usager@example.org"},
            "champs": [
                {"__typename": "TextChamp", "id": "Q2hhbXAtMQ==", "label": "Nom", "stringValue": "Martin", "value": "Martin"},
                {"__typename": "DateChamp", "id": "Q2hhbXAtMg==", "label": "Date de naissance",
                 "stringValue": date_naissance, "date": date_naissance},
            ],
        }

    def application(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/v2/graphql", self._graphql)
        return app

    async def _graphql(self, request: web.Request) -> web.Response:
        if self.panne == "500":
            return web.json_response({"errors": [{"message": "Internal Server Error"}], "data": None}, status=500)
        if self.panne == "lent":
            await asyncio.sleep(5)
        if self.panne == "json":
            return web.Response(text='{"data": {"dossier": ', content_type="application/json")
        if self.panne == "429":
            return web.json_response({"errors": [{"message": "Too many requests"}]}, status=429, headers={"Retry-After": "60"})
        try:
            corps = await request.json()
        except json.JSONDecodeError as exc:
            return web.json_response({"errors": [{"message": str(exc)}], "data": None}, status=400)
        self.requetes.append(corps)
        autorise = request.headers.get("Authorization") == f"Bearer {self.jeton}"

        def resoudre_dossier(_info: Any, number: int) -> dict[str, Any]:
            if not autorise:
                raise GraphQLError("An object of type Dossier was hidden due to permissions", extensions={"code": "unauthorized"})
            if number not in self.dossiers:
                raise GraphQLError(f"Couldn't find Dossier with 'id'={number}", extensions={"code": "not_found"})
            dossier = dict(self.dossiers[number])
            toutes = dossier.pop("champs")
            dossier["champs"] = lambda _info, id=None: [c for c in toutes if id is None or c["id"] == id]  # noqa: A002
            return dossier

        resultat = await graphql(
            SCHEMA, corps.get("query") or "", root_value={"dossier": resoudre_dossier},
            variable_values=corps.get("variables") or {}, operation_name=corps.get("operationName"),
            type_resolver=lambda valeur, *_: valeur["__typename"],
        )
        if resultat.errors and resultat.data is None and any(e.path is None for e in resultat.errors):
            # the query could not be parsed or validated
            return web.json_response({"errors": [e.formatted for e in resultat.errors], "data": None}, status=400 if _analyse(resultat) else 200)
        return web.json_response(resultat.formatted)


def _analyse(resultat: Any) -> bool:
    return any("Syntax Error" in e.message for e in resultat.errors)
