// The portal's words in French and English, and amounts and dates in the reader's locale (Intl).

const MESSAGES = {
  fr: {
    payments: "Paiements",
    invoice: "Facture",
    print: "Imprimer",
    subtotal: "Total HT",
    sections: {
      recurring: "Abonnement",
      usage: "Consommation",
      proration: "Ajustements au prorata",
      one_off: "Frais ponctuels",
    },
    usage: "Consommation",
    from: "Du",
    to: "Au",
    downloadCsv: "Télécharger (CSV)",
    noUsage: "Aucune consommation sur cette période.",
    usageChart: "Coût de la consommation par jour",
    meter: "Compteur",
    cost: "Coût HT",
    forecast: "Prévision de la période en cours",
    toDate: "À ce jour (TTC)",
    projected: "Prévu en fin de période (TTC)",
    payNow: "Payer maintenant",
    balance: "Solde du compte",
    amountOwed: "Montant dû",
    creditAvailable: "Crédit disponible",
    paymentMethod: "Moyen de paiement",
    noMethod: "Aucune carte enregistrée",
    makePayment: "Effectuer un paiement",
    paymentPurpose: "Type de paiement",
    oneTime: "Paiement ponctuel (factures à payer d'abord)",
    topUp: "Recharger le compte (crédit pour les prochaines factures)",
    amount: "Montant",
    pay: "Payer",
    paymentDone: (amount, method) => `Paiement de ${amount} reçu (${method}). Un reçu vous est envoyé.`,
    title: "Espace facturation",
    loading: "Chargement…",
    back: "Retour au site",
    signOut: "Se déconnecter",
    overview: "Abonnement",
    history: "Historique de facturation",
    plan: "Offre",
    status: "Statut",
    periodEnd: "Prochaine échéance",
    trialEnd: "Fin de l'essai",
    quantity: "Quantité",
    changePlan: "Changer d'offre",
    noSubscription: "Aucun abonnement en cours.",
    statuses: {
      active: "Actif",
      trialing: "Essai",
      past_due: "Paiement en retard",
      canceled: "Résilié",
      incomplete: "Incomplet",
      unpaid: "Impayé",
      paused: "En pause",
    },
    invoiceStatuses: { draft: "Brouillon", open: "À payer", paid: "Payée", void: "Annulée", uncollectible: "Irrécouvrable" },
    number: "Numéro",
    date: "Date",
    total: "Total TTC",
    vat: "TVA",
    remaining: "Reste dû",
    download: "Télécharger le PDF",
    noInvoice: "Aucune facture pour l'instant.",
    monthly: "Mensuel",
    annual: "Annuel",
    billingCycle: "Fréquence de facturation",
    preview: "Aperçu du changement",
    credit: "Crédit (temps non utilisé de l'offre actuelle)",
    newCharge: "Nouvelle offre",
    dueNow: "À payer maintenant",
    continue: "Continuer",
    confirm: "Confirmer",
    cancel: "Annuler",
    changed: "Votre offre a été modifiée.",
    restricted: "Votre compte est restreint : réglez les factures en retard pour le rétablir.",
    suspended: "Votre compte est suspendu : réglez les factures en retard pour le rétablir.",
    errors: {
      network_error: "Le serveur ne répond pas. Vérifiez votre connexion et réessayez.",
      session_ended: "Votre session a expiré. Rouvrez l'espace facturation depuis le site.",
      portal_link_invalid: "Ce lien a expiré ou a déjà servi. Rouvrez l'espace facturation depuis le site.",
      account_restricted: "Votre compte est restreint : réglez d'abord les factures en retard.",
      concurrent_update: "Quelqu'un a modifié cet abonnement en même temps. Rechargez la page et réessayez.",
      card_declined: "Votre carte a été refusée. Essayez une autre carte.",
      invalid_amount: "Indiquez un montant positif, par exemple 25,00.",
      payment_failed: "Le paiement a échoué. Vérifiez votre carte ou essayez-en une autre.",
      server_error: "Une erreur est survenue de notre côté. Réessayez dans un instant.",
      other: "L'opération n'a pas abouti.",
    },
  },
  en: {
    payments: "Payments",
    invoice: "Invoice",
    print: "Print",
    subtotal: "Subtotal excl. VAT",
    sections: {
      recurring: "Subscription",
      usage: "Usage",
      proration: "Prorated adjustments",
      one_off: "One-off charges",
    },
    usage: "Usage",
    from: "From",
    to: "To",
    downloadCsv: "Download (CSV)",
    noUsage: "No usage in this range.",
    usageChart: "Usage cost per day",
    meter: "Meter",
    cost: "Cost excl. VAT",
    forecast: "Forecast of the current period",
    toDate: "So far (incl. VAT)",
    projected: "Projected at period end (incl. VAT)",
    payNow: "Pay now",
    balance: "Account balance",
    amountOwed: "Amount owed",
    creditAvailable: "Credit available",
    paymentMethod: "Payment method",
    noMethod: "No saved card",
    makePayment: "Make a payment",
    paymentPurpose: "Kind of payment",
    oneTime: "One-time payment (due invoices first)",
    topUp: "Top up the account (credit for the next invoices)",
    amount: "Amount",
    pay: "Pay",
    paymentDone: (amount, method) => `Payment of ${amount} received (${method}). A receipt is on its way.`,
    title: "Billing",
    loading: "Loading…",
    back: "Back to the site",
    signOut: "Sign out",
    overview: "Subscription",
    history: "Billing history",
    plan: "Plan",
    status: "Status",
    periodEnd: "Next renewal",
    trialEnd: "Trial ends",
    quantity: "Quantity",
    changePlan: "Change plan",
    noSubscription: "No current subscription.",
    statuses: {
      active: "Active",
      trialing: "Trial",
      past_due: "Past due",
      canceled: "Canceled",
      incomplete: "Incomplete",
      unpaid: "Unpaid",
      paused: "Paused",
    },
    invoiceStatuses: { draft: "Draft", open: "Due", paid: "Paid", void: "Void", uncollectible: "Uncollectible" },
    number: "Number",
    date: "Date",
    total: "Total incl. VAT",
    vat: "VAT",
    remaining: "Amount due",
    download: "Download PDF",
    noInvoice: "No invoice yet.",
    monthly: "Monthly",
    annual: "Annual",
    billingCycle: "Billing cycle",
    preview: "Preview of the change",
    credit: "Credit (unused time on the current plan)",
    newCharge: "New plan",
    dueNow: "Amount due now",
    continue: "Continue",
    confirm: "Confirm",
    cancel: "Cancel",
    changed: "Your plan has been changed.",
    restricted: "Your account is restricted: pay the overdue invoices to restore it.",
    suspended: "Your account is suspended: pay the overdue invoices to restore it.",
    errors: {
      network_error: "The server does not answer. Check your connection and try again.",
      session_ended: "Your session has ended. Open billing again from the site.",
      portal_link_invalid: "This link has expired or was already used. Open billing again from the site.",
      account_restricted: "Your account is restricted: pay the overdue invoices first.",
      concurrent_update: "Someone changed this subscription at the same time. Reload the page and try again.",
      card_declined: "Your card was declined. Try another card.",
      invalid_amount: "Give a positive amount, for example 25.00.",
      payment_failed: "The payment failed. Check your card or try another one.",
      server_error: "Something went wrong on our side. Try again in a moment.",
      other: "That did not work.",
    },
  },
};

// What a person typed ("1 234,50", "12.5") into integer minor units of the currency, without floats;
// null unless it is a positive amount with no more decimals than the currency has.
export function toMinorUnits(text, currency) {
  const exponent = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits;
  const cleaned = String(text).replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
  const match = /^(\d{1,12})(?:\.(\d*))?$/.exec(cleaned);
  if (!match || (match[2] || "").length > exponent) return null;
  const minor = Number(match[1]) * 10 ** exponent + Number((match[2] || "").padEnd(exponent, "0") || "0");
  return minor > 0 ? minor : null;
}

export function messages(locale) {
  return MESSAGES[locale] || MESSAGES.fr;
}

export function errorSentence(locale, error) {
  const words = messages(locale).errors;
  return words[error && error.code] || words.other;
}

const LANGUAGE_TAGS = { fr: "fr-FR", en: "en-GB" };

export function formatters(locale) {
  const tag = LANGUAGE_TAGS[locale] || "fr-FR";
  const date = new Intl.DateTimeFormat(tag, { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/Paris" });
  return {
    // Amounts arrive in minor units: the currency's own exponent (0 for JPY, 2 for EUR) divides them.
    money(minor, currency) {
      const format = new Intl.NumberFormat(tag, { style: "currency", currency });
      const exponent = format.resolvedOptions().maximumFractionDigits;
      return format.format(Number(minor) / 10 ** exponent);
    },
    // VAT rates arrive as decimal strings of percent ("20", "5.5").
    percent(rate) {
      return new Intl.NumberFormat(tag, { style: "percent", maximumFractionDigits: 2 }).format(Number(rate) / 100);
    },
    date(iso) {
      return iso ? date.format(new Date(iso)) : "—";
    },
  };
}
