"""Invoices: lines by section, assembly (discounts, VAT by rate, credit), one-off items."""
