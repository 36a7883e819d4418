"""Chorus Pro, through PISTE (the French State's API gateway): deposit a Factur-X as a flow, read the status
of the invoice it carried.

- OAuth2 client credentials at ``{oauth_url}/api/oauth/token``; every call carries the bearer token and
  ``cpro-account``: base64 of the technical account's ``login:password``.
- ``POST {api_url}/cpro/factures/v1/deposer/flux`` with the PDF in base64, syntax ``IN_DP_E2_CII_FACTURX``
  (flow E2: a Factur-X, data read from its XML) → ``numeroFluxDepot``.
- ``POST {api_url}/cpro/factures/v1/rechercher/fournisseur`` by ``numeroFluxDepot`` → ``listeFactures``,
  each with its ``statut``: none yet while the flow is being integrated.
A ``codeRetour`` other than 0 is a refusal, whatever the HTTP status. Hand-written with urllib rather than a
client library: four JSON calls, and no maintained Python client of Chorus Pro exists.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.parse
import urllib.request
from typing import Any

from billing.invoices.models import PlatformStatus
from billing.settings import ChorusProAccess

FACTUR_X_FLOW = "IN_DP_E2_CII_FACTURX"
TIMEOUT_SECONDS = 20
# Chorus Pro's invoice statuses, grouped into ours.
STATUSES: dict[str, PlatformStatus] = {
    "DEPOSEE": PlatformStatus.DEPOSITED,
    "EN_COURS_ACHEMINEMENT": PlatformStatus.DEPOSITED,
    "MISE_A_DISPOSITION": PlatformStatus.MADE_AVAILABLE,
    "SERVICE_FAIT": PlatformStatus.MADE_AVAILABLE,
    "MANDATEE": PlatformStatus.MADE_AVAILABLE,
    "MISE_A_DISPOSITION_COMPTABLE": PlatformStatus.MADE_AVAILABLE,
    "COMPTABILISEE": PlatformStatus.MADE_AVAILABLE,
    "COMPLETEE": PlatformStatus.MADE_AVAILABLE,
    "SUSPENDUE": PlatformStatus.SUSPENDED,
    "A_RECYCLER": PlatformStatus.REJECTED,
    "REJETEE": PlatformStatus.REJECTED,
    "MISE_EN_PAIEMENT": PlatformStatus.PAID,
}


class ChorusProError(RuntimeError):
    """Chorus Pro refused a call (codeRetour ≠ 0) or answered no JSON: the message is retried."""


class ChorusPro:
    name = "chorus_pro"

    def __init__(self, access: ChorusProAccess) -> None:
        self.access = access
        self._token: tuple[str, float] | None = None  # (token, expiry on the monotonic clock)

    def deposit(self, file_name: str, factur_x: bytes) -> str:
        answer = self._call(
            "/cpro/factures/v1/deposer/flux",
            {
                "idUtilisateurCourant": 0,  # 0: the technical account the cpro-account header names
                "fichierFlux": base64.b64encode(factur_x).decode(),
                "nomFichier": file_name,
                "syntaxeFlux": FACTUR_X_FLOW,
                "avecSignature": False,
            },
        )
        return str(answer["numeroFluxDepot"])

    def status(self, deposit_id: str) -> tuple[PlatformStatus, str] | None:
        answer = self._call(
            "/cpro/factures/v1/rechercher/fournisseur", {"numeroFluxDepot": deposit_id, "typeFacture": "FACTURE"}
        )
        invoices = answer.get("listeFactures") or []
        if not invoices:
            return None  # the flow is still being integrated
        code = str(invoices[0]["statut"])
        return STATUSES.get(code, PlatformStatus.DEPOSITED), code

    def _bearer(self) -> str:
        if self._token is None or self._token[1] <= time.monotonic():
            form = urllib.parse.urlencode(
                {
                    "grant_type": "client_credentials",
                    "client_id": self.access.client_id,
                    "client_secret": self.access.client_secret,
                    "scope": "openid",
                }
            ).encode()
            request = urllib.request.Request(  # noqa: S310 - the configured PISTE URL, https in every stage
                f"{self.access.oauth_url}/api/oauth/token",
                data=form,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                token = json.load(response)
            # Renewed a minute before it expires.
            self._token = (str(token["access_token"]), time.monotonic() + int(token.get("expires_in", 3600)) - 60)
        return self._token[0]

    def _call(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        account = base64.b64encode(f"{self.access.login}:{self.access.password}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310
            f"{self.access.api_url}{path}",
            data=json.dumps(body).encode(),
            headers={
                "Authorization": f"Bearer {self._bearer()}",
                "cpro-account": account,
                "Content-Type": "application/json;charset=utf-8",
                "Accept": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            answer: dict[str, Any] = json.load(response)
        if answer.get("codeRetour") != 0:
            raise ChorusProError(f"Chorus Pro refused {path}: {answer.get('codeRetour')} {answer.get('libelle')}")
        return answer
