"""Ask the platform an invoice was deposited on where it stands, and record what changed (hourly, through
the billing run, until a final status: paid or rejected)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from billing.batch import WriteBatch
from billing.events import DomainEvent, EventType
from billing.invoices.models import PLATFORM_CHECK_EVERY, Invoice, PlatformDeposit, PlatformStatus
from billing.invoices.ports import InvoiceStore, InvoicingPlatform


def check_platform_status(store: InvoiceStore, platform: InvoicingPlatform, invoice: Invoice, now: datetime) -> None:
    deposit = invoice.platform
    if deposit is None or deposit.check_at is None or deposit.check_at > now:
        return
    found = platform.status(deposit.deposit_id)
    status, code = found if found is not None else (deposit.status, deposit.platform_status)
    changed = code != deposit.platform_status
    updated = replace(
        deposit,
        status=status,
        platform_status=code,
        updated_at=now if changed else deposit.updated_at,
        check_at=None if status.final else now + PLATFORM_CHECK_EVERY,
    )
    events = [platform_status_event(invoice, updated)] if changed else []
    store.commit(WriteBatch(invoices=[replace(invoice, platform=updated)], events=events))


def deposited(invoice: Invoice, platform: str, deposit_id: str, now: datetime) -> tuple[Invoice, DomainEvent]:
    """The invoice just deposited, to be checked in an hour, and the event that says so."""
    deposit = PlatformDeposit(platform, deposit_id, PlatformStatus.DEPOSITED, "", now, now + PLATFORM_CHECK_EVERY)
    recorded = replace(invoice, platform=deposit)
    return recorded, platform_status_event(recorded, deposit)


def platform_status_event(invoice: Invoice, deposit: PlatformDeposit) -> DomainEvent:
    # One event per status the platform reported: a repeated check never repeats it.
    return DomainEvent(
        id=f"invoice.platform_status:{invoice.id}:{deposit.platform_status or 'deposited'}",
        type=EventType.INVOICE_PLATFORM_STATUS,
        at=deposit.updated_at,
        account_id=invoice.account_id,
        detail={
            "invoice": invoice.id,
            "number": invoice.number,
            "platform": deposit.platform,
            "deposit": deposit.deposit_id,
            "status": deposit.status.value,
            "platform_status": deposit.platform_status,
        },
    )
