"""Units a price counts in, as UN/ECE Recommendation 20 codes: what e-invoices state as each line's unit of
measure (EN 16931 BT-130). The codes a SaaS seller needs; others can be added here."""

from __future__ import annotations

UNITS: dict[str, str] = {
    "C62": "one (a seat, a subscription, a call)",
    "E48": "service unit",
    "SEC": "second",
    "MIN": "minute",
    "HUR": "hour",
    "DAY": "day",
    "MON": "month",
    "ANN": "year",
    "4L": "megabyte",
    "E34": "gigabyte",
    "E35": "terabyte",
    "KWH": "kilowatt hour",
    "H87": "piece",
}
DEFAULT_UNIT = "C62"
