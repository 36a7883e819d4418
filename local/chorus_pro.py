"""Chorus Pro's PISTE API on a loopback server, shaped as PISTE and Chorus Pro document it, for the calls
billing/adapters/chorus_pro.py makes; local/emulators.py starts it and hands its address to the functions
(``BILLING_CHORUS_PRO``).

- ``POST /api/oauth/token`` (form: ``grant_type=client_credentials``, ``client_id``, ``client_secret``,
  ``scope``) → ``{"access_token", "token_type": "Bearer", "expires_in": 3600, "scope"}``; other credentials
  answer 401 ``{"error": "invalid_client"}``.
- Every API call needs ``Authorization: Bearer <token>`` (else 401) and ``cpro-account``: base64 of the
  technical account's ``login:password`` (else 401 ``{"codeRetour": 20000}``).
- ``POST /cpro/factures/v1/deposer/flux`` ``{"fichierFlux" (base64), "nomFichier", "syntaxeFlux",
  "avecSignature", "idUtilisateurCourant"}`` → ``{"codeRetour": 0, "libelle": "GCU_MSG_01_000",
  "numeroFluxDepot", "dateDepot", "syntaxeFlux"}``. As Chorus Pro does for flow E2
  (``IN_DP_E2_CII_FACTURX``), the PDF must carry a Factur-X XML valid against its XSD, else the deposit is
  refused (codeRetour 20001). An invoice whose buyer is not addressed by SIRET (scheme 0009) is integrated
  then rejected by the recipient (``REJETEE``).
- ``POST /cpro/factures/v1/rechercher/fournisseur`` ``{"numeroFluxDepot", ...}`` → ``{"codeRetour": 0,
  "libelle", "listeFactures": [{"identifiantFactureCPP", "numeroFacture", "dateFacture", "dateDepot",
  "montantHT", "montantTTC", "devise", "statut", "numeroFluxDepot", "codeDestinataire", "typeFacture", ...}],
  "parametresRetour": {"total", "pageCourante", "pages", "nbResultatsParPage"}}``. The first search after a
  deposit finds nothing (the flow is being integrated, IN_EN_COURS_TRAITEMENT_CPP); then the invoice moves one
  status per search: DEPOSEE, MISE_A_DISPOSITION, MISE_EN_PAIEMENT (the public accountant paid).
- ``POST /_chorus_pro/factures/statut`` ``{"numeroFluxDepot", "statut"}`` sets an invoice's status (a local
  route: the buyer's side, e.g. ``SUSPENDUE``).
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import urllib.parse
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import facturx
from lxml import etree

CLIENT_ID = "local-piste-client"
CLIENT_SECRET = "local-piste-secret"  # noqa: S105 - the emulator's own, never a real one
LOGIN = "TECH_local@cpro.fr"
PASSWORD = "local-password"  # noqa: S105
PROGRESSION = ("DEPOSEE", "MISE_A_DISPOSITION", "MISE_EN_PAIEMENT")
_NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}
StartResponse = Callable[..., Any]


class ChorusProState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tokens: set[str] = set()
        self.flows: dict[str, dict[str, Any]] = {}  # numeroFluxDepot → what was deposited and where it stands
        self.next_invoice_id = 8_316_845


STATE = ChorusProState()


def access(endpoint: str) -> dict[str, str]:
    """The ``BILLING_CHORUS_PRO`` settings that point the functions at this emulator."""
    return {
        "oauth_url": endpoint,
        "api_url": endpoint,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "login": LOGIN,
        "password": PASSWORD,
    }


def chorus_pro_app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "")
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    if environ.get("REQUEST_METHOD") != "POST":
        return _json(start_response, "405 Method Not Allowed", {"message": "POST only"})
    if path == "/api/oauth/token":
        return _token(dict(urllib.parse.parse_qsl(body.decode())), start_response)
    if path == "/_chorus_pro/factures/statut":
        return _set_status(json.loads(body or b"{}"), start_response)
    routes = {"/cpro/factures/v1/deposer/flux": _deposit, "/cpro/factures/v1/rechercher/fournisseur": _search}
    if path not in routes:
        return _json(start_response, "404 Not Found", {"message": f"no operation at {path}"})
    bearer = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
    if bearer not in STATE.tokens:
        return _json(start_response, "401 Unauthorized", {"error": "invalid_token"})
    expected = base64.b64encode(f"{LOGIN}:{PASSWORD}".encode()).decode()
    if environ.get("HTTP_CPRO_ACCOUNT") != expected:
        return _json(start_response, "401 Unauthorized", {"codeRetour": 20000, "libelle": "Compte CPRO invalide"})
    try:
        request = json.loads(body)
    except ValueError:
        return _json(start_response, "400 Bad Request", {"codeRetour": 1, "libelle": "JSON invalide"})
    return routes[path](request, start_response)


def _token(form: dict[str, str], start_response: StartResponse) -> Iterable[bytes]:
    if form.get("grant_type") != "client_credentials" or (form.get("client_id"), form.get("client_secret")) != (
        CLIENT_ID,
        CLIENT_SECRET,
    ):
        return _json(start_response, "401 Unauthorized", {"error": "invalid_client"})
    token = secrets.token_urlsafe(24)
    with STATE.lock:
        STATE.tokens.add(token)
    answer = {"access_token": token, "token_type": "Bearer", "expires_in": 3600, "scope": form.get("scope", "")}
    return _json(start_response, "200 OK", answer)


def _deposit(request: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    try:
        pdf = base64.b64decode(request["fichierFlux"], validate=True)
        _, xml = facturx.get_xml_from_pdf(pdf, check_xsd=True)
        invoice = etree.fromstring(xml)
    except Exception:
        return _json(start_response, "200 OK", {"codeRetour": 20001, "libelle": "Le flux n'est pas un Factur-X valide"})
    if request.get("syntaxeFlux") != "IN_DP_E2_CII_FACTURX":
        return _json(start_response, "200 OK", {"codeRetour": 20002, "libelle": "Syntaxe de flux inconnue"})

    def first(path: str) -> str:
        found = invoice.xpath(path, namespaces=_NS)
        return str(found[0]) if found else ""

    summation = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    siret = first("//ram:BuyerTradeParty/ram:GlobalID[@schemeID='0009']/text()")
    now = datetime.now(UTC)
    with STATE.lock:
        number = f"CPP{now:%Y%m%d}{len(STATE.flows) + 1:06d}"
        STATE.next_invoice_id += 1
        STATE.flows[number] = {
            "identifiantFactureCPP": STATE.next_invoice_id,
            "numeroFacture": first("//rsm:ExchangedDocument/ram:ID/text()"),
            "dateFacture": first("//rsm:ExchangedDocument/ram:IssueDateTime/*/text()"),
            "dateDepot": now.date().isoformat(),
            "montantHT": first(summation + "TaxBasisTotalAmount/text()"),
            "montantTTC": first(summation + "GrandTotalAmount/text()"),
            "montantAPayer": first(summation + "DuePayableAmount/text()"),
            "devise": first("//ram:InvoiceCurrencyCode/text()"),
            "codeDestinataire": siret,
            "typeFacture": "FACTURE",
            "modeDepot": "DEPOT_PDF_API",
            "numeroFluxDepot": number,
            "searches": 0,
            "statut": None if siret else "REJETEE",  # a recipient is a SIRET in Chorus Pro
        }
    answer = {
        "codeRetour": 0,
        "libelle": "GCU_MSG_01_000",
        "numeroFluxDepot": number,
        "dateDepot": now.date().isoformat(),
        "syntaxeFlux": request["syntaxeFlux"],
    }
    return _json(start_response, "200 OK", answer)


def _search(request: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    with STATE.lock:
        flow = STATE.flows.get(str(request.get("numeroFluxDepot")))
        found = []
        if flow is not None:
            flow["searches"] += 1
            if flow["statut"] is None and flow["searches"] > 1:  # integrated after the first search
                flow["statut"] = PROGRESSION[0]
            elif flow["statut"] in PROGRESSION[:-1] and flow["searches"] > 2:
                flow["statut"] = PROGRESSION[PROGRESSION.index(flow["statut"]) + 1]
            if flow["statut"] is not None:
                found = [{key: value for key, value in flow.items() if key != "searches"}]
    answer = {
        "codeRetour": 0,
        "libelle": "GCU_MSG_01_000",
        "listeFactures": found,
        "parametresRetour": {"total": len(found), "pageCourante": 1, "pages": 1, "nbResultatsParPage": 10},
    }
    return _json(start_response, "200 OK", answer)


def _set_status(request: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    with STATE.lock:
        flow = STATE.flows.get(str(request.get("numeroFluxDepot")))
        if flow is None:
            return _json(start_response, "404 Not Found", {"message": "no such flow"})
        flow["statut"] = str(request["statut"])
    return _json(start_response, "200 OK", {"numeroFluxDepot": request["numeroFluxDepot"], "statut": flow["statut"]})


def _json(start_response: StartResponse, status: str, body: dict[str, Any]) -> Iterable[bytes]:
    start_response(status, [("Content-Type", "application/json;charset=utf-8")])
    return [json.dumps(body).encode()]
