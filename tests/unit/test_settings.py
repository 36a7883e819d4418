"""Each function's settings, read from BILLING_<FIELD> variables as the stack sets them."""

import pytest
from pydantic import ValidationError

from billing.documents.local_seller import LOCAL_SELLER
from billing.settings import ApiSettings, DocumentSettings, TableSettings


def test_plain_fields_are_read_and_converted(monkeypatch):
    monkeypatch.setenv("BILLING_TABLE", "billing-main")
    monkeypatch.setenv("BILLING_IDEMPOTENCY_TABLE", "billing-idempotency")
    monkeypatch.setenv("BILLING_MAX_BODY_BYTES", "1024")
    monkeypatch.setenv("BILLING_CORS_ORIGINS", "https://app.example.fr, https://admin.example.fr")
    monkeypatch.setenv("BILLING_UNRELATED", "ignored")
    settings = ApiSettings.from_environment()
    assert (settings.table, settings.idempotency_table, settings.max_body_bytes) == (
        "billing-main",
        "billing-idempotency",
        1024,
    )
    assert settings.cors_origins == ("https://app.example.fr", "https://admin.example.fr")
    assert settings.stripe_secret == ""  # unset: its default


def test_a_model_field_is_read_as_json(monkeypatch):
    monkeypatch.setenv("BILLING_TABLE", "billing-main")
    monkeypatch.setenv("BILLING_DOCUMENTS_BUCKET", "billing-documents")
    monkeypatch.setenv("BILLING_EMAIL_SENDER", "factures@exemple.fr")
    monkeypatch.setenv("BILLING_SELLER", LOCAL_SELLER.model_dump_json())
    monkeypatch.delenv("BILLING_CHORUS_PRO", raising=False)
    settings = DocumentSettings.from_environment()
    assert settings.seller == LOCAL_SELLER
    assert settings.chorus_pro is None


def test_a_missing_or_invalid_variable_stops_the_function(monkeypatch):
    monkeypatch.delenv("BILLING_TABLE", raising=False)
    with pytest.raises(ValidationError, match="table"):
        TableSettings.from_environment()
    monkeypatch.setenv("BILLING_TABLE", "ab")
    with pytest.raises(ValidationError, match="at least 3"):
        TableSettings.from_environment()
