"""The customer emails, in each reader's language: subject and body templates the use cases fill.

Kept apart from the use cases so that a wording change touches one file and a new language is one
entry per template.
"""

INVOICE_SUBJECT = {"fr": "Votre facture {number} — {amount}", "en": "Your invoice {number} — {amount}"}
INVOICE_BODY = {
    "fr": "Bonjour,\n\nVeuillez trouver ci-joint votre facture {number} d'un montant de {amount}, "
    "à régler avant le {due}.\n{how}\n\n{seller}",
    "en": "Hello,\n\nPlease find attached your invoice {number} for {amount}, due on {due}.\n{how}\n\n{seller}",
}
HOW_TO_PAY = {
    ("fr", "send_invoice"): "Par virement (IBAN {iban}, BIC {bic}, référence {number}) ou par chèque.",
    ("en", "send_invoice"): "By bank transfer (IBAN {iban}, BIC {bic}, reference {number}) or cheque.",
    ("fr", "charge_automatically"): "Le montant sera prélevé sur {method}.",
    ("en", "charge_automatically"): "The amount will be charged to {method}.",
    # Charged automatically, but nothing is saved: no debit is promised; how to pay instead.
    ("fr", "nothing_saved"): "Aucun moyen de paiement n'est enregistré : réglez-la par carte depuis votre espace "
    "client, ou par virement (IBAN {iban}, BIC {bic}, référence {number}).",
    ("en", "nothing_saved"): "No payment method is saved: pay it by card from your account, or by bank transfer "
    "(IBAN {iban}, BIC {bic}, reference {number}).",
}
RECEIPT_SUBJECT = {"fr": "Reçu de paiement {number} — {amount}", "en": "Payment receipt {number} — {amount}"}
RECEIPT_BODY = {
    "fr": "Bonjour,\n\nNous avons bien reçu votre paiement de {amount} ({method}). Votre reçu {number} est "
    "joint.\n\n{seller}",
    "en": "Hello,\n\nWe received your payment of {amount} ({method}). Your receipt {number} is attached.\n\n{seller}",
}
FAILED_SUBJECT = {"fr": "Échec du paiement de {amount}", "en": "Your payment of {amount} failed"}
FAILED_BODY = {
    "fr": "Bonjour,\n\nLe paiement de {amount}{invoice} n'a pas abouti : {reason}\n{next}\nPour mettre à jour "
    "votre moyen de paiement, rendez-vous dans l'espace facturation de votre compte (Moyens de paiement → "
    "Ajouter), puis définissez-le par défaut.\n\n{seller}",
    "en": "Hello,\n\nThe payment of {amount}{invoice} failed: {reason}\n{next}\nTo update your payment method, "
    "open your account's billing settings (Payment methods → Add) and make it the default.\n\n{seller}",
}
# Why a payment failed, in the reader's language, from Stripe's decline (or error) code: the bank's message
# comes in English whatever the customer reads. Unknown codes get the generic sentence.
FAILURE_REASONS: dict[str, dict[str, str]] = {
    "no_payment_method": {
        "fr": "aucun moyen de paiement n'est enregistré pour le prélèvement automatique.",
        "en": "no payment method is saved for automatic payment.",
    },
    "insufficient_funds": {"fr": "provision insuffisante.", "en": "insufficient funds."},
    "expired_card": {"fr": "la carte a expiré.", "en": "the card has expired."},
    "incorrect_cvc": {"fr": "le cryptogramme est incorrect.", "en": "the security code is incorrect."},
    "incorrect_number": {"fr": "le numéro de carte est incorrect.", "en": "the card number is incorrect."},
    "lost_card": {"fr": "la carte est déclarée perdue.", "en": "the card was reported lost."},
    "stolen_card": {"fr": "la carte est déclarée volée.", "en": "the card was reported stolen."},
    "authentication_required": {
        "fr": "votre banque demande une authentification (3-D Secure) : payez depuis votre espace client.",
        "en": "your bank asks you to authenticate (3-D Secure): pay from your account.",
    },
    "processing_error": {
        "fr": "une erreur est survenue chez la banque.",
        "en": "an error occurred at the bank.",
    },
    "": {"fr": "la banque a refusé le paiement.", "en": "the bank declined the payment."},
}


def failure_reason(code: str | None, locale: str) -> str:
    return FAILURE_REASONS.get(code or "", FAILURE_REASONS[""])[locale]


NEXT = {
    "fr": ("Nous réessaierons le {date}.", "Nous ne réessaierons pas automatiquement ; merci de régler la facture."),
    "en": ("We will try again on {date}.", "We will not retry automatically; please pay the invoice."),
}
METHOD_SUBJECT = {"fr": "Nouveau moyen de paiement enregistré", "en": "New payment method saved"}
METHOD_BODY = {
    "fr": "Bonjour,\n\nLe moyen de paiement {label} a été ajouté à votre compte. Si vous n'êtes pas à "
    "l'origine de cet ajout, contactez-nous.\n\n{seller}",
    "en": "Hello,\n\nThe payment method {label} was added to your account. If you did not add it, contact "
    "us.\n\n{seller}",
}
# IBM: every change to the payment methods is confirmed by email to the billing contact.
DEFAULT_SUBJECT = {"fr": "Moyen de paiement par défaut modifié", "en": "Default payment method changed"}
DEFAULT_BODY = {
    "fr": "Bonjour,\n\nLes prélèvements automatiques utiliseront désormais {label}. Si vous n'êtes pas à "
    "l'origine de ce changement, contactez-nous.\n\n{seller}",
    "en": "Hello,\n\nAutomatic charges will now use {label}. If you did not make this change, contact us.\n\n{seller}",
}
REMOVED_SUBJECT = {"fr": "Moyen de paiement supprimé", "en": "Payment method removed"}
REMOVED_BODY = {
    "fr": "Bonjour,\n\nLe moyen de paiement {label} a été supprimé de votre compte. {after} Si vous n'êtes pas "
    "à l'origine de cette suppression, contactez-nous.\n\n{seller}",
    "en": "Hello,\n\nThe payment method {label} was removed from your account. {after} If you did not remove "
    "it, contact us.\n\n{seller}",
}
REMOVED_AFTER = {
    ("fr", True): "Les prélèvements automatiques utiliseront {default}.",
    ("en", True): "Automatic charges will use {default}.",
    ("fr", False): "Aucun moyen de paiement n'est plus enregistré : les factures seront à régler vous-même.",
    ("en", False): "No payment method is saved any more: invoices will have to be paid by you.",
}
REMINDER_SUBJECT = {
    "fr": ("Rappel : facture {number} à régler", "Facture {number} en retard de paiement"),
    "en": ("Reminder: invoice {number} is due soon", "Invoice {number} is overdue"),
}
REMINDER_BODY = {
    "fr": "Bonjour,\n\nLa facture {number} ({amount} restant dû) est à régler pour le {due}.\n{how}\n\n{seller}",
    "en": "Hello,\n\nInvoice {number} ({amount} still due) was due on {due}.\n{how}\n\n{seller}",
}
DIGEST_SUBJECT = {"fr": "Vos reçus de paiement — {month}", "en": "Your payment receipts — {month}"}
DIGEST_BODY = {
    "fr": "Bonjour,\n\nVoici vos reçus de paiement de {month} (PDF joints dans l'archive) :\n{lines}\n\n{seller}",
    "en": "Hello,\n\nHere are your payment receipts for {month} (PDFs in the attached archive):\n{lines}\n\n{seller}",
}
# One email per dunning state the account enters (Kill Bill's overdue states each carry a message).
STATUS_SUBJECT = {
    "fr": {
        "warning": "Facture impayée sur votre compte",
        "restricted": "Votre compte est restreint",
        "suspended": "Votre compte est suspendu",
        "active": "Votre compte est rétabli",
    },
    "en": {
        "warning": "An invoice on your account is unpaid",
        "restricted": "Your account is restricted",
        "suspended": "Your account is suspended",
        "active": "Your account is restored",
    },
}
STATUS_BODY = {
    "fr": {
        "warning": "Bonjour,\n\nUne ou plusieurs factures de votre compte sont échues et impayées ({owed} restant dû). "
        "Merci de les régler pour éviter la restriction de votre compte.\n\n{seller}",
        "restricted": "Bonjour,\n\nDes factures restant impayées ({owed} restant dû), votre compte est restreint : "
        "aucun nouvel abonnement ni aucune modification d'abonnement n'est possible jusqu'au paiement.\n\n{seller}",
        "suspended": "Bonjour,\n\nDes factures restant impayées ({owed} restant dû), votre compte est suspendu : "
        "vos abonnements ne sont plus renouvelés ni facturés jusqu'au paiement, après lequel ils reprennent."
        "\n\n{seller}",
        "active": "Bonjour,\n\nMerci pour votre règlement : votre compte est de nouveau actif.\n\n{seller}",
    },
    "en": {
        "warning": "Hello,\n\nOne or more invoices on your account are past due ({owed} still due). Please pay them "
        "to avoid your account being restricted.\n\n{seller}",
        "restricted": "Hello,\n\nAs invoices remain unpaid ({owed} still due), your account is restricted: no new "
        "subscription and no change to a subscription until they are paid.\n\n{seller}",
        "suspended": "Hello,\n\nAs invoices remain unpaid ({owed} still due), your account is suspended: your "
        "subscriptions are no longer renewed or billed until payment, after which they resume.\n\n{seller}",
        "active": "Hello,\n\nThank you for your payment: your account is active again.\n\n{seller}",
    },
}
# Three days before a trial ends (Stripe's customer.subscription.trial_will_end): what starts and when.
TRIAL_SUBJECT = {"fr": "Votre période d'essai se termine le {date}", "en": "Your trial ends on {date}"}
TRIAL_BODY = {
    "fr": "Bonjour,\n\nVotre période d'essai ({plan}) se termine le {date}. L'abonnement sera alors facturé "
    "{amount} HT par {interval}.\n{how}\nPour ne pas continuer, résiliez-le avant cette date.\n\n{seller}",
    "en": "Hello,\n\nYour trial ({plan}) ends on {date}. The subscription will then be billed {amount} excl. "
    "tax per {interval}.\n{how}\nTo stop, cancel it before that date.\n\n{seller}",
}
TRIAL_HOW = {
    ("fr", True): "Le montant sera prélevé sur {method}.",
    ("en", True): "The amount will be charged to {method}.",
    ("fr", False): "Aucun moyen de paiement n'est enregistré : ajoutez-en un pour que l'abonnement continue.",
    ("en", False): "No payment method is saved: add one for the subscription to go on.",
}
# A budget threshold reached (once per threshold and month): what, how far, and for which month.
BUDGET_SUBJECT = {
    "fr": "Budget « {name} » : {percent} % atteint{basis}",
    "en": 'Budget "{name}": {percent}% reached{basis}',
}
BUDGET_BASIS = {
    ("fr", "actual"): "",
    ("en", "actual"): "",
    ("fr", "forecast"): " en prévision",
    ("en", "forecast"): " by forecast",
}
BUDGET_BODY = {
    "fr": "Bonjour,\n\nLe budget « {name} » ({scope}) de {month} a atteint {percent} % de sa limite{basis} : "
    "{value} sur {limit}{tax}.\nVous pouvez suivre le détail jour par jour et la prévision de fin de période "
    "dans votre espace de facturation.\n\n{seller}",
    "en": 'Hello,\n\nThe budget "{name}" ({scope}) for {month} has reached {percent}% of its limit{basis}: '
    "{value} of {limit}{tax}.\nDay-by-day usage and the end-of-period forecast are in your billing space.\n\n{seller}",
}
BUDGET_TAX = {"fr": " HT", "en": " excl. tax"}
BUDGET_SCOPE = {"fr": "tout le compte", "en": "whole account"}
