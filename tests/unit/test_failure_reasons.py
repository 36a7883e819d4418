from billing.documents.emails import failure_reason


def test_a_decline_reads_in_the_customers_language_and_an_unknown_code_gets_the_generic_sentence():
    assert failure_reason("insufficient_funds", "fr") == "provision insuffisante."
    assert failure_reason("insufficient_funds", "en") == "insufficient funds."
    assert failure_reason("do_not_honor", "fr") == "la banque a refusé le paiement."
    assert failure_reason(None, "en") == "the bank declined the payment."
