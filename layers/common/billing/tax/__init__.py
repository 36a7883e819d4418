"""VAT for a French seller of electronically supplied services."""
