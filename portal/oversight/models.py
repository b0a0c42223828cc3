"""Oversight holds no tables of its own: its reports read the other apps through selectors."""
