"""Exceptions raised when a question pack is refused.

Every message is meant for the person importing the pack: it says what is wrong and what
they can do about it. Nothing is written to the database when one of these is raised.
"""

from __future__ import annotations


class PackError(Exception):
    """Base class: the pack (not the app) is at fault; the message is user-facing."""


class PackSignatureError(PackError):
    """The signature is missing, malformed, or does not match the signed bytes."""


class UntrustedKeyError(PackSignatureError):
    """The signature is well-formed but made with a key the app does not trust."""

    def __init__(self, key_id: str, message: str | None = None) -> None:
        self.key_id = key_id
        super().__init__(
            message
            or (
                f"This pack is signed by an unknown key (id {key_id}). "
                "Import its public key first, or ask the pack's author."
            )
        )


class PackFormatError(PackError):
    """The pack's structure or content does not follow the pack format."""


class PackLimitError(PackError):
    """The pack exceeds a safety limit (size, entry count, compression ratio)."""


class PackDowngradeError(PackError):
    """The pack is older than a version of the same pack already imported."""
