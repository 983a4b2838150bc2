"""Realistic Indian names for the objects the suite creates, Indic scripts included."""

from __future__ import annotations

__all__ = ["NAMES"]

NAMES = (
    ("Asha", "Verma"),
    ("Ravi", "Iyer"),
    ("Priya", "Nair"),
    ("Arjun", "Reddy"),
    ("Meera", "Joshi"),
    ("Vikram", "Singh"),
    ("Ananya", "Das"),
    ("Karthik", "Subramanian"),
    ("आशा", "वर्मा"),
    ("ரவி", "ஐயர்"),
)
