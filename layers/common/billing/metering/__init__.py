"""Usage as customers and sellers meet it: ingesting metered events, summarizing them by tag."""
