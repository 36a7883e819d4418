"""Catalog: products and their prices, and rating a quantity with a price's scheme."""
