"""Realistic Indian data, stated once: bank codes, names in nine scripts, PAN, mobile and
email shapes, with plain draws from a ``random.Random`` for code that must not load Hypothesis.

The Hypothesis strategies (``pan_numbers``, ``ifsc_codes``, ``indian_names``, ...) in
``_realistic`` are built on these tables; the mock's seed customers and the suite's test data
draw from :class:`IndianValues`. Formats follow the spec's "Realistic values" section. This
module imports neither Hypothesis nor the schemas, so the mock fixture stays cheap to load.

>>> import random
>>> IndianValues(random.Random(7)).pan()[3]
'P'
>>> bank_name("SBIN0001234")
'State Bank of India'
"""

from __future__ import annotations

import random
import string
from collections.abc import Collection

__all__ = [
    "BANKS",
    "DIGITS",
    "EMAIL_DOMAINS",
    "MOBILE_FIRST_DIGITS",
    "NAMES",
    "PAN_HOLDER_TYPES",
    "SCRIPTS",
    "STD_CODES",
    "UPPER",
    "UPPER_ALNUM",
    "IndianValues",
    "bank_name",
]

DIGITS = string.digits
UPPER = string.ascii_uppercase
UPPER_ALNUM = UPPER + DIGITS

#: PAN holder types (the PAN's fourth letter): Person, Company, HUF, Firm, AOP, Trust, BOI,
#: Local authority, artificial Juridical person, Government.
PAN_HOLDER_TYPES = "PCHFATBLJG"

#: IFSC bank codes (the first four letters) of large Indian banks, with the bank's name.
BANKS: dict[str, str] = {
    "HDFC": "HDFC Bank",
    "ICIC": "ICICI Bank",
    "SBIN": "State Bank of India",
    "UTIB": "Axis Bank",
    "KKBK": "Kotak Mahindra Bank",
    "PUNB": "Punjab National Bank",
    "BARB": "Bank of Baroda",
    "CNRB": "Canara Bank",
    "UBIN": "Union Bank of India",
    "IDIB": "Indian Bank",
    "IOBA": "Indian Overseas Bank",
    "BKID": "Bank of India",
    "MAHB": "Bank of Maharashtra",
    "CBIN": "Central Bank of India",
    "YESB": "Yes Bank",
    "INDB": "IndusInd Bank",
    "IDFB": "IDFC First Bank",
    "FDRL": "Federal Bank",
    "KARB": "Karnataka Bank",
    "SIBL": "South Indian Bank",
    "RATN": "RBL Bank",
    "AUBL": "AU Small Finance Bank",
}

#: (given names, surnames) per script. Indic names are written natively, not transliterated.
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "latin": (
        ("Aarav", "Aditya", "Ananya", "Arjun", "Asha", "Diya", "Fatima", "Gurpreet", "Ishaan",
         "Joseph", "Kavya", "Lakshmi", "Mary", "Mohammed", "Priya", "Rahul", "Rohan", "Sai",
         "Saanvi", "Sneha", "Venkata", "Vikram", "Vivaan"),
        ("Agarwal", "Banerjee", "Chatterjee", "Das", "Deshpande", "D'Souza", "Fernandes", "Gowda",
         "Gupta", "Iyer", "Joshi", "Kaur", "Khan", "Kulkarni", "Menon", "Mukherjee", "Naidu",
         "Nair", "Patel", "Pillai", "Rao", "Reddy", "Shah", "Sharma", "Singh", "Verma"),
    ),
    "devanagari": (
        ("राहुल", "प्रिया", "अमित", "सुनीता", "आशा", "विकास", "अनीता"),
        ("शर्मा", "वर्मा", "गुप्ता", "पाटील", "सिंह", "यादव"),
    ),
    "tamil": (
        ("கார்த்திக்", "பிரியா", "முருகன்", "லட்சுமி", "செல்வி"),
        ("சுப்பிரமணியன்", "ராஜா", "கிருஷ்ணன்"),
    ),
    "bengali": (
        ("অমিত", "সুমিতা", "রাহুল", "দেবাশীষ"),
        ("বন্দ্যোপাধ্যায়", "চট্টোপাধ্যায়", "দাস", "সেন", "ঘোষ"),
    ),
    "telugu": (
        ("వెంకట", "లక్ష్మి", "శ్రీనివాస్", "సాయి"),
        ("రెడ్డి", "నాయుడు", "రావు"),
    ),
    "gujarati": (
        ("હાર્દિક", "નેહા", "જિગ્નેશ", "પ્રિયા"),
        ("પટેલ", "શાહ", "દેસાઈ", "મહેતા"),
    ),
    "kannada": (
        ("ಅನಿಲ್", "ಕಾವ್ಯ", "ಮಂಜುನಾಥ"),
        ("ಗೌಡ", "ಹೆಗ್ಡೆ", "ಶೆಟ್ಟಿ"),
    ),
    "malayalam": (
        ("അനൂപ്", "ലക്ഷ്മി", "ജോസഫ്"),
        ("നായർ", "മേനോൻ", "പിള്ള"),
    ),
    "gurmukhi": (
        ("ਗੁਰਪ੍ਰੀਤ", "ਹਰਪ੍ਰੀਤ", "ਮਨਜੀਤ"),
        ("ਸਿੰਘ", "ਕੌਰ", "ਗਿੱਲ"),
    ),
}  # fmt: skip

#: The scripts names are written in (``indian_names(scripts=...)`` accepts these).
SCRIPTS: tuple[str, ...] = tuple(NAMES)

EMAIL_DOMAINS = (
    "gmail.com",
    "yahoo.co.in",
    "yahoo.in",
    "rediffmail.com",
    "outlook.com",
    "hotmail.com",
    "icloud.com",
    "example.in",
    "infosys.com",
    "tcs.com",
    "zoho.in",
    "company.co.in",
)
#: A mobile number's first digit (of ten, after +91).
MOBILE_FIRST_DIGITS = "6789"

#: STD codes of large cities (Delhi, Mumbai, Kolkata, Hyderabad, Chennai, Ahmedabad, Bengaluru,
#: Pune), for landlines: +91, the code, eight digits.
STD_CODES: tuple[str, ...] = ("11", "22", "33", "40", "44", "79", "80", "20")

# Most customers of an Indian payments API write their name in Latin script.
_LATIN_SHARE = 0.7


def bank_name(ifsc: str) -> str | None:
    """Name the bank of an IFSC from its bank code, or None when unknown.

    >>> bank_name("HDFC0001234")
    'HDFC Bank'
    """
    return BANKS.get(ifsc[:4])


class IndianValues:
    """Realistic values drawn from a ``random.Random``: reproducible from its seed.

    For the mock's seed data and the suite's test objects, which are drawn per index or per
    check seed, not by Hypothesis.

    >>> values = IndianValues(random.Random(1))
    >>> values.mobile()[:3]
    '+91'
    """

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def given_and_surname(self, *, scripts: Collection[str] = SCRIPTS) -> tuple[str, str]:
        """Return a given name and a surname in one script, Latin most often."""
        chosen = [s for s in SCRIPTS if s in scripts]
        if not chosen:
            raise ValueError(f"scripts={scripts!r} names none of {SCRIPTS}")
        latin = "latin" in chosen and (len(chosen) == 1 or self._rng.random() < _LATIN_SHARE)
        script = "latin" if latin else self._rng.choice([s for s in chosen if s != "latin"])
        given, surnames = NAMES[script]
        return self._rng.choice(given), self._rng.choice(surnames)

    def name(self, *, scripts: Collection[str] = SCRIPTS) -> str:
        """Return a full name: given name and surname."""
        return " ".join(self.given_and_surname(scripts=scripts))

    def pan(self, *, surname: str = "") -> str:
        """Return a PAN of a person: ``[A-Z]{3}P[A-Z][0-9]{4}[A-Z]``; the fifth letter is the
        surname's initial when that is a Latin capital."""
        initial = surname[:1].upper()
        if initial not in UPPER or not initial:
            initial = self._rng.choice(UPPER)
        letters = "".join(self._rng.choices(UPPER, k=3))
        return f"{letters}P{initial}{self._rng.randrange(10_000):04d}{self._rng.choice(UPPER)}"

    def mobile(self) -> str:
        """Return a mobile number: +91, a first digit 6-9, nine digits."""
        return f"+91{self._rng.choice(MOBILE_FIRST_DIGITS)}{self._rng.randrange(10**9):09d}"

    def phone(self) -> str:
        """Return a landline: +91, a large city's STD code, eight digits."""
        return f"+91{self._rng.choice(STD_CODES)}{self._rng.randrange(10**8):08d}"

    def ifsc(self) -> str:
        """Return an IFSC of a bank in :data:`BANKS`: bank code, 0, six-digit branch code."""
        return f"{self._rng.choice(tuple(BANKS))}0{self._rng.randrange(10**6):06d}"

    def bank_account_params(self, account_types: Collection[str]) -> dict[str, str]:
        """Return valid bank account create parameters (contract: bank_account_create), with
        an account type among ``account_types`` (the contract's enum, read by the caller)."""
        return {
            "account_holder_name": self.name(),
            "account_ifsc": self.ifsc(),
            "account_number": str(self._rng.randint(10**11, 10**14)),
            "account_type": self._rng.choice(sorted(account_types)),
        }
