"""Invoice and credit note documents: what they say (here, pure), how they look (adapters/pdf_reportlab)."""
