"""Encryption at rest of short secrets (NIKs, platform tokens) with Fernet.

Each use names its own list of keys in settings, newest first: the first
encrypts, every one decrypts, so a key is rotated by putting a new one in
front and re-saving at leisure.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


def _cipher(keys: list[str]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(text: str, keys: list[str]) -> str:
    return _cipher(keys).encrypt(text.encode()).decode()


def decrypt(token: str, keys: list[str]) -> str:
    """The clear text, or an empty string when no key opens it any more."""
    if not token:
        return ""
    try:
        return _cipher(keys).decrypt(token.encode()).decode()
    except InvalidToken:
        return ""
