"""Key masking: what every printed or written text goes through."""

from __future__ import annotations

import pytest

from lotuspay_contract.conformance.redact._secrets import mask_key, redact


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
