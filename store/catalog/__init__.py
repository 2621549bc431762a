"""The catalogue: products and SKUs, a price book per channel, price changes, parity (S6) and stock."""
