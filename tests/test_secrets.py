"""Key masking: what every printed or written text goes through."""

from __future__ import annotations

import base64
import urllib.parse

import pytest

from lotuspay_contract.conformance.redact import mask_key, redact, remember_secret, safe_text


@pytest.mark.parametrize(
    ("key", "masked"),
    [
        ("sk_test_4eC39HqLyjWDarjtT1zdp7dc", "sk_test_****"),
        ("sk_live_abcdefghijklmnopqrstuvwx", "sk_live_****"),
        ("not-a-key", "****"),
        (None, "<none>"),
        ("", "<none>"),
    ],
)
def test_mask_key(key: str | None, masked: str) -> None:
    assert mask_key(key) == masked


def test_redact_masks_given_secrets_and_key_shapes() -> None:
    text = "curl -u sk_test_4eC39HqLyjWDarjtT1zdp7dc: https://x?k=sk_live_ZZZ999 token=hunter22"
    assert redact(text, ["hunter22"]) == "curl -u sk_test_****: https://x?k=sk_live_**** token=****"


KEY = "sk_test_Zq8SeCrEtKeyDoNotLeak42"
SUFFIX = KEY.removeprefix("sk_test_")


def _forms() -> dict[str, str]:
    forms = {
        "upper": KEY.upper(),
        "lower": KEY.lower(),
        "prefix stripped": SUFFIX,
        "hyphen-split": KEY.replace("_", "-"),
        "space-split": KEY.replace("_", " "),
        "url-encoded": urllib.parse.quote(f"{KEY}:", safe=""),
        "percent-encoded": "".join(f"%{b:02x}" for b in KEY.encode()),
        "hex": KEY.encode().hex(),
        "basic": "Basic " + base64.b64encode(f"{KEY}:".encode()).decode(),
    }
    for data in (f"{KEY}:", KEY):
        for name, encode in (("std", base64.b64encode), ("url", base64.urlsafe_b64encode)):
            encoded = encode(data.encode()).decode()
            forms[f"b64 {name} {data!r}"] = encoded
            forms[f"b64 {name} {data!r} unpadded"] = encoded.rstrip("=")
            for before in ("x", "xy", "xyz"):
                blob = encode(f"{before}{data}-and-more".encode()).decode()
                forms[f"b64 {name} {data!r} in a blob after {len(before)}"] = blob
    return forms


@pytest.mark.parametrize(("name", "form"), list(_forms().items()), ids=list(_forms()))
def test_every_form_of_a_given_key_is_masked(name: str, form: str) -> None:
    masked = redact(f"echo: <{form}>", [KEY])
    assert form not in masked
    assert "****" in masked
    # Nothing of the distinctive part survives, in any case or as base64 of it.
    assert SUFFIX.lower() not in masked.lower()
    assert base64.b64encode(SUFFIX.encode()).decode()[2:-4] not in masked


def test_remembered_keys_are_masked_without_being_passed() -> None:
    remember_secret(KEY)
    basic = f"Basic {base64.b64encode(f'{KEY}:'.encode()).decode()}"
    assert redact(basic) == "Basic c2tfdGVz****"  # base64 of "sk_test_", no secret, stays


def test_ordinary_text_is_left_alone() -> None:
    text = "customer cus_123 (Zq8S) wrote c2tfdGVzd and 5a7138 — नमस्ते"
    assert redact(text, [KEY]) == text


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("plain\ttext\nnext line", "plain\ttext\nnext line"),
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        ("nul\x00bell\x07cr\r", "nul\\x00bell\\x07cr\\x0d"),
        ("lone \ud800 surrogate", "lone \\ud800 surrogate"),
        ("evil\u202egnp.exe", "evil\\u202egnp.exe"),
        ("c1 \x9b csi", "c1 \\x9b csi"),
        ("नमस्ते 🙂", "नमस्ते 🙂"),
    ],
)
def test_safe_text_spells_out_what_a_terminal_or_encoder_trips_on(text: str, safe: str) -> None:
    assert safe_text(text) == safe
    assert redact(text) == safe
    safe.encode("utf-8")  # always encodable
