"""The receipt capture box: a virtual network printer between a tenant's till and its receipt printer."""
