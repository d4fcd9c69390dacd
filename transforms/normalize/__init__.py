"""Normalizers: raw field strings from a dump to typed, canonical values."""
