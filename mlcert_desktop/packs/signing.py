"""Minisign-compatible Ed25519 signatures for question packs.

Packs are signed with the same file formats as `minisign` (https://jedisct1.github.io/minisign/),
so authors can sign with either `mlcert-pack` or the real tool, and users can check a pack by
hand with `minisign -V`. Only unencrypted secret keys (`minisign -G -W`) are supported: the app
never asks for passwords, and scrypt key decryption would need another dependency.

Formats (all binary fields are base64 on one line, after an "untrusted comment:" line):
  public key  "Ed" + key id (8) + Ed25519 public key (32)
  secret key  "Ed" + kdf (2) + "B2" + salt (32) + opslimit (8) + memlimit (8)
              + key id (8) + seed and public key (64) + BLAKE2b-256 checksum (32)
  signature   "ED" + key id (8) + Ed25519(BLAKE2b-512(data)) (64)       ("Ed": over raw data)
              then "trusted comment: <text>" and Ed25519(signature + text) (64)

This module has no Qt dependency: the CLI uses it too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from mlcert_desktop.packs.errors import PackSignatureError, UntrustedKeyError

SIG_ALG = b"Ed"  # keys, and legacy signatures over the raw data
SIG_ALG_HASHED = b"ED"  # signatures over BLAKE2b-512(data); what we write
KDF_NONE = b"\0\0"
KDF_SCRYPT = b"Sc"
CHK_ALG = b"B2"
UNTRUSTED_PREFIX = "untrusted comment: "
TRUSTED_PREFIX = "trusted comment: "
MAX_SIGNATURE_BYTES = 4096  # real signatures are ~300 bytes; refuse to parse anything huge
MAX_KEY_FILE_BYTES = 4096
# minisign reads the comment line with a 1024-byte fgets(); a longer line would be split.
MAX_UNTRUSTED_COMMENT_BYTES = 1024 - len(UNTRUSTED_PREFIX) - 2

_KEY_ID_LEN, _PK_LEN, _SK_LEN, _SIG_LEN, _CHK_LEN = 8, 32, 64, 64, 32
_PUB_LEN = 2 + _KEY_ID_LEN + _PK_LEN  # 42
_SEC_HEADER_LEN = 2 + 2 + 2 + 32 + 8 + 8  # 54: algorithms, kdf salt and limits
_SEC_LEN = _SEC_HEADER_LEN + _KEY_ID_LEN + _SK_LEN + _CHK_LEN  # 158
_SIG_STRUCT_LEN = 2 + _KEY_ID_LEN + _SIG_LEN  # 74
_NEW_KEY_HINT = "Create an unencrypted key with `mlcert-pack keygen` or `minisign -G -W`."
_FRESH_COPY = "Get a fresh copy from the pack's author."


def _ed25519():
    """The cryptography classes, imported on first use: most app starts never verify."""
    from cryptography.hazmat.primitives.asymmetric import ed25519

    return ed25519


def key_id_hex(raw: bytes) -> str:
    """Format a key id the way minisign prints it: hex of the little-endian uint64."""
    return raw[::-1].hex().upper()


def _b64decode(line: str, expected_len: int, what: str) -> bytes:
    # validate=True: stray characters mean damage, not something to skip silently.
    try:
        raw = base64.b64decode(line.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = None
    if raw is None or len(raw) != expected_len:
        raise PackSignatureError(
            f"The {what} is damaged or is not in minisign format. Get a fresh copy of the file."
        )
    return raw


def _payload_line(text: str, what: str) -> str:
    """Return the base64 line of a key file; the untrusted comment line is optional."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and lines[0].startswith("untrusted comment:"):
        lines = lines[1:]
    if len(lines) != 1:
        raise PackSignatureError(
            f"This is not a minisign {what}: expected one base64 line after an optional "
            "'untrusted comment:' line."
        )
    return lines[0]


def _read_key_file(path: str | os.PathLike[str], what: str) -> str:
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_KEY_FILE_BYTES + 1)
        if len(raw) > MAX_KEY_FILE_BYTES:
            raise PackSignatureError(f"{path} is too large to be a minisign {what}.")
        return raw.decode("utf-8")
    except OSError as exc:
        raise PackSignatureError(f"Cannot read the {what} {path}: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise PackSignatureError(f"{path} is not a minisign {what} (not text).") from None


def _checksum(key_id: bytes, secret: bytes) -> bytes:
    return hashlib.blake2b(SIG_ALG + key_id + secret, digest_size=_CHK_LEN).digest()


@dataclass(frozen=True)
class PublicKey:
    """A minisign public key: who may sign packs the user trusts."""

    key_id: bytes
    key: bytes

    def __post_init__(self) -> None:
        if len(self.key_id) != _KEY_ID_LEN or len(self.key) != _PK_LEN:
            raise ValueError("a public key needs an 8-byte key id and 32 key bytes")

    @property
    def key_id_hex(self) -> str:
        return key_id_hex(self.key_id)

    @property
    def fingerprint(self) -> str:
        digest = hashlib.sha256(self.key).hexdigest().upper()
        return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))

    @classmethod
    def from_base64(cls, line: str) -> PublicKey:
        raw = _b64decode(line, _PUB_LEN, "public key")
        if raw[:2] != SIG_ALG:
            raise PackSignatureError("This public key uses an unsupported algorithm.")
        return cls(key_id=raw[2:10], key=raw[10:])

    @classmethod
    def from_text(cls, text: str) -> PublicKey:
        return cls.from_base64(_payload_line(text, "public key"))

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> PublicKey:
        return cls.from_text(_read_key_file(path, "public key"))

    def to_base64(self) -> str:
        return base64.b64encode(SIG_ALG + self.key_id + self.key).decode("ascii")

    def to_text(self) -> str:
        # Same comment as minisign writes, so the id is visible without decoding.
        return f"{UNTRUSTED_PREFIX}minisign public key {self.key_id_hex}\n{self.to_base64()}\n"


@dataclass(frozen=True)
class SecretKey:
    """An unencrypted minisign secret key. `secret` is the 32-byte seed + 32-byte public key."""

    key_id: bytes
    secret: bytes = field(repr=False)  # keep it out of logs and tracebacks

    def __post_init__(self) -> None:
        if len(self.key_id) != _KEY_ID_LEN or len(self.secret) != _SK_LEN:
            raise ValueError("a secret key needs an 8-byte key id and 64 secret bytes")

    @property
    def public_key(self) -> PublicKey:
        return PublicKey(key_id=self.key_id, key=self.secret[32:])

    @classmethod
    def generate(cls) -> SecretKey:
        private = _ed25519().Ed25519PrivateKey.generate()
        public = private.public_key().public_bytes_raw()
        return cls(
            key_id=secrets.token_bytes(_KEY_ID_LEN), secret=private.private_bytes_raw() + public
        )

    @classmethod
    def from_text(cls, text: str) -> SecretKey:
        raw = _b64decode(_payload_line(text, "secret key"), _SEC_LEN, "secret key")
        sig_alg, kdf_alg, chk_alg = raw[0:2], raw[2:4], raw[4:6]
        if sig_alg != SIG_ALG or chk_alg != CHK_ALG:
            raise PackSignatureError("This secret key uses an unsupported algorithm.")
        if kdf_alg == KDF_SCRYPT:
            msg = "This secret key is encrypted with a password, which is not supported."
            raise PackSignatureError(f"{msg} {_NEW_KEY_HINT}")
        if kdf_alg != KDF_NONE:
            raise PackSignatureError("This secret key uses an unsupported key derivation.")
        body = raw[_SEC_HEADER_LEN:]
        key_id, secret, chk = body[:8], body[8:72], body[72:]
        # `minisign -G -W` leaves the checksum all zeros (it is only computed when encrypting),
        # so accept that; any other mismatch means the file was damaged.
        if chk != _checksum(key_id, secret) and chk != bytes(_CHK_LEN):
            raise PackSignatureError(f"This secret key is damaged (bad checksum). {_NEW_KEY_HINT}")
        _check_keypair(secret)
        return cls(key_id=key_id, secret=secret)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> SecretKey:
        return cls.from_text(_read_key_file(path, "secret key"))

    def to_text(self) -> str:
        # Zero salt and limits, as minisign writes for unencrypted keys; minisign does not check
        # the checksum of unencrypted keys, but we write the real one so damage is detected.
        header = SIG_ALG + KDF_NONE + CHK_ALG + bytes(32 + 8 + 8)
        body = self.key_id + self.secret + _checksum(self.key_id, self.secret)
        payload = base64.b64encode(header + body).decode("ascii")
        return f"{UNTRUSTED_PREFIX}mlcert-pack secret key (unencrypted, keep private)\n{payload}\n"


def _check_keypair(secret: bytes) -> None:
    """The stored public half must match the seed, or signatures would never verify."""
    private = _ed25519().Ed25519PrivateKey.from_private_bytes(secret[:32])
    derived = private.public_key().public_bytes_raw()
    if derived != secret[32:]:
        raise PackSignatureError(
            f"This secret key is damaged (inconsistent key pair). {_NEW_KEY_HINT}"
        )


@dataclass(frozen=True)
class VerifiedSignature:
    key: PublicKey
    trusted_comment: str


@dataclass(frozen=True)
class _ParsedSignature:
    alg: bytes
    key_id: bytes
    signature: bytes
    trusted_comment: str
    global_signature: bytes


def _is_printable(text: str) -> bool:
    # minisign refuses trusted comments with control characters (tab aside); so do we, which
    # also keeps terminal escapes out of what the UI and CLI display.
    return all(c == "\t" or not (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F) for c in text)


def sign(
    data: bytes,
    key: SecretKey,
    trusted_comment: str,
    untrusted_comment: str = "signature from mlcert-pack secret key",
) -> str:
    """Sign `data` (prehashed "ED" algorithm) and return the .minisig file content."""
    for name, comment in (("trusted", trusted_comment), ("untrusted", untrusted_comment)):
        if "\n" in comment or "\r" in comment:
            raise ValueError(f"the {name} comment must be a single line")
    if not _is_printable(trusted_comment):
        raise ValueError("the trusted comment must not contain control characters")
    if len(untrusted_comment.encode("utf-8")) > MAX_UNTRUSTED_COMMENT_BYTES:
        raise ValueError("the untrusted comment is too long")
    private = _ed25519().Ed25519PrivateKey.from_private_bytes(key.secret[:32])
    signature = private.sign(hashlib.blake2b(data, digest_size=64).digest())
    global_signature = private.sign(signature + trusted_comment.encode("utf-8"))
    sig_struct = base64.b64encode(SIG_ALG_HASHED + key.key_id + signature).decode("ascii")
    text = (
        f"{UNTRUSTED_PREFIX}{untrusted_comment}\n{sig_struct}\n"
        f"{TRUSTED_PREFIX}{trusted_comment}\n{base64.b64encode(global_signature).decode('ascii')}\n"
    )
    if len(text.encode("utf-8")) > MAX_SIGNATURE_BYTES:
        raise ValueError("the comments are too long: verify() would refuse this signature")
    return text


def _decode_signature_text(signature_text: str | bytes) -> str:
    try:
        raw = signature_text.encode("utf-8") if isinstance(signature_text, str) else signature_text
        if len(raw) > MAX_SIGNATURE_BYTES:
            raise PackSignatureError(f"The pack's signature file is too large. {_FRESH_COPY}")
        return raw.decode("utf-8")
    except UnicodeError:
        raise PackSignatureError(f"The pack's signature is not UTF-8 text. {_FRESH_COPY}") from None


def _parse_signature(signature_text: str | bytes) -> _ParsedSignature:
    text = _decode_signature_text(signature_text)
    # Like minisign: lines end in "\n", optionally preceded by one "\r".
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    if len(lines) != 4:
        raise PackSignatureError(
            "The pack's signature is not a minisign signature (expected 4 lines, found "
            f"{len(lines)}). {_FRESH_COPY}"
        )
    if not lines[0].startswith(UNTRUSTED_PREFIX) or not lines[2].startswith(TRUSTED_PREFIX):
        raise PackSignatureError(
            "The pack's signature is malformed (missing 'untrusted comment:' or 'trusted comment:' "
            f"line). {_FRESH_COPY}"
        )
    sig_struct = _b64decode(lines[1], _SIG_STRUCT_LEN, "pack's signature")
    if sig_struct[:2] not in (SIG_ALG, SIG_ALG_HASHED):
        raise PackSignatureError(
            "The pack's signature uses an unsupported algorithm. Ask the pack's author to sign "
            "it with mlcert-pack or a current minisign."
        )
    trusted_comment = lines[2][len(TRUSTED_PREFIX) :]
    if not _is_printable(trusted_comment):
        raise PackSignatureError("The pack's trusted comment contains control characters.")
    return _ParsedSignature(
        alg=sig_struct[:2],
        key_id=sig_struct[2:10],
        signature=sig_struct[10:],
        trusted_comment=trusted_comment,
        global_signature=_b64decode(lines[3], _SIG_LEN, "pack's global signature"),
    )


def _verifies(public: bytes, signature: bytes, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        _ed25519().Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def verify(
    data: bytes, signature_text: str | bytes, trusted_keys: Iterable[PublicKey]
) -> VerifiedSignature:
    """Check a .minisig signature of `data` against the trusted keys; raise if it fails."""
    parsed = _parse_signature(signature_text)
    candidates = [k for k in trusted_keys if k.key_id == parsed.key_id]
    if not candidates:
        raise UntrustedKeyError(key_id_hex(parsed.key_id))
    message = (
        hashlib.blake2b(data, digest_size=64).digest() if parsed.alg == SIG_ALG_HASHED else data
    )
    # Several trusted keys may share an id (ids are only 8 bytes); any that verifies will do.
    key = next((k for k in candidates if _verifies(k.key, parsed.signature, message)), None)
    if key is None:
        raise PackSignatureError(
            "The pack's signature does not match its contents: the file was changed after it was "
            f"signed, or is damaged. {_FRESH_COPY}"
        )
    signed_comment = parsed.signature + parsed.trusted_comment.encode("utf-8")
    if not _verifies(key.key, parsed.global_signature, signed_comment):
        raise PackSignatureError(
            "The pack's trusted comment was altered after signing, so its details cannot be "
            f"trusted. {_FRESH_COPY}"
        )
    return VerifiedSignature(key=key, trusted_comment=parsed.trusted_comment)
