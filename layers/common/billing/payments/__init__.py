"""Money in: payment methods, automatic charges, one-time payments, top-ups, receipts, dunning."""
