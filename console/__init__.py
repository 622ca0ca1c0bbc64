"""Operator console of the Hunan provincial 12345 hotline and business-environment platform."""

__version__ = "0.1.0"
