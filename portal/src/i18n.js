// The portal's words in French and English, and amounts and dates in the reader's locale (Intl).

const MESSAGES = {
  fr: {
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
      server_error: "Une erreur est survenue de notre côté. Réessayez dans un instant.",
      other: "L'opération n'a pas abouti.",
    },
  },
  en: {
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
      server_error: "Something went wrong on our side. Try again in a moment.",
      other: "That did not work.",
    },
  },
};

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
