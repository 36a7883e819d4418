"""The seller of `make run`, the tests and the dev stage: a fictitious company with checksum-valid identifiers.
Apart from ``seller.py`` so that no function builds it at import."""

from __future__ import annotations

from billing.documents.seller import Seller, SellerAddress

LOCAL_SELLER = Seller(
    legal_name="Nuage Exemple SAS",
    legal_form="SAS au capital de 10 000 €",
    rcs="RCS Paris 732 829 320",
    address=SellerAddress(line1="12 rue de la Facture", postal_code="75011", city="Paris"),
    siren="732829320",
    vat_number="FR44732829320",
    iban="FR76 3000 6000 0112 3456 7890 189",
    bic="AGRIFRPPXXX",
    cheque_address=("Nuage Exemple SAS — Service comptabilité", "12 rue de la Facture", "75011 Paris"),
    email="facturation@nuage-exemple.fr",
)
