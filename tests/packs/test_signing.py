"""Tests for the minisign-compatible pack signatures, including interop with the real tool."""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mlcert_desktop.packs.errors import PackSignatureError, UntrustedKeyError
from mlcert_desktop.packs.signing import (
    PublicKey,
    SecretKey,
    VerifiedSignature,
    key_id_hex,
    sign,
    verify,
)

# The project's official public key (public on purpose); minisign prints its id as below.
OFFICIAL_KEY_B64 = "RWQOHf3nyxHmXSEdkhnBhhbbd6udigdUa8Tx9+NJWG/QU0HfzDXUaiwY"
OFFICIAL_KEY_ID = "5DE611CBE7FD1D0E"
DATA = b"question pack bytes\x00\xff" * 100

needs_minisign = pytest.mark.skipif(
    shutil.which("minisign") is None, reason="the minisign tool is not installed"
)


@pytest.fixture(scope="module")
def secret() -> SecretKey:
    return SecretKey.generate()


@pytest.fixture(scope="module")
def signature(secret: SecretKey) -> str:
    return sign(DATA, secret, "pack: demo v1")


def _lines(signature_text: str) -> list[str]:
    return signature_text.splitlines()


def _join(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def _with_sig_struct(signature_text: str, edit) -> str:
    """Decode line 2 (alg + key id + signature), apply `edit` to it, re-encode."""
    lines = _lines(signature_text)
    raw = bytearray(base64.b64decode(lines[1]))
    edit(raw)
    lines[1] = base64.b64encode(bytes(raw)).decode()
    return _join(lines)


def _secret_payload(key: SecretKey) -> bytearray:
    return bytearray(base64.b64decode(key.to_text().splitlines()[1]))


def _secret_text(payload: bytes) -> str:
    return "untrusted comment: test\n" + base64.b64encode(payload).decode() + "\n"


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    # stdin is closed so a password prompt could never hang the test run.
    return subprocess.run(
        ["minisign", *map(str, args)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# --- keys -----------------------------------------------------------------------------------


def test_official_key_id_is_formatted_like_minisign() -> None:
    key = PublicKey.from_base64(OFFICIAL_KEY_B64)
    assert key.key_id_hex == OFFICIAL_KEY_ID
    assert key_id_hex(key.key_id) == OFFICIAL_KEY_ID
    assert key.to_base64() == OFFICIAL_KEY_B64
    assert key.to_text() == (
        f"untrusted comment: minisign public key {OFFICIAL_KEY_ID}\n{OFFICIAL_KEY_B64}\n"
    )


def test_fingerprint_is_grouped_sha256_of_key_bytes() -> None:
    key = PublicKey.from_base64(OFFICIAL_KEY_B64)
    groups = key.fingerprint.split(" ")
    assert len(groups) == 16 and all(len(g) == 4 for g in groups)
    assert "".join(groups) == hashlib.sha256(key.key).hexdigest().upper()


def test_public_key_text_round_trips(secret: SecretKey, tmp_path: Path) -> None:
    public = secret.public_key
    assert PublicKey.from_text(public.to_text()) == public
    assert PublicKey.from_text(public.to_base64()) == public
    assert PublicKey.from_text("\r\n" + public.to_text().replace("\n", "\r\n")) == public
    path = tmp_path / "key.pub"
    path.write_text(public.to_text())
    assert PublicKey.from_file(path) == public


def test_secret_key_text_round_trips(secret: SecretKey, tmp_path: Path) -> None:
    assert SecretKey.from_text(secret.to_text()) == secret
    path = tmp_path / "key.sec"
    path.write_text(secret.to_text())
    loaded = SecretKey.from_file(path)
    assert loaded == secret
    assert loaded.public_key == secret.public_key
    assert secret.secret.hex() not in repr(secret)


def test_generated_keys_are_distinct() -> None:
    a, b = SecretKey.generate(), SecretKey.generate()
    assert a.key_id != b.key_id and a.secret != b.secret


@pytest.mark.parametrize(
    "text",
    ["", "untrusted comment: x\n", "not base64 !!", "RWQOHf3nyxHmXSEdkhnBhhbb", "a\nb\nc\n"],
)
def test_malformed_public_key_is_refused(text: str) -> None:
    with pytest.raises(PackSignatureError):
        PublicKey.from_text(text)


def test_public_key_with_wrong_algorithm_is_refused() -> None:
    raw = b"XX" + base64.b64decode(OFFICIAL_KEY_B64)[2:]
    with pytest.raises(PackSignatureError, match="unsupported algorithm"):
        PublicKey.from_base64(base64.b64encode(raw).decode())


def test_missing_key_file_is_a_signature_error(tmp_path: Path) -> None:
    with pytest.raises(PackSignatureError, match="Cannot read"):
        PublicKey.from_file(tmp_path / "absent.pub")


def test_encrypted_secret_key_is_refused(secret: SecretKey) -> None:
    payload = _secret_payload(secret)
    payload[2:4] = b"Sc"
    with pytest.raises(PackSignatureError, match="encrypted") as info:
        SecretKey.from_text(_secret_text(payload))
    assert "minisign -G -W" in str(info.value) and "mlcert-pack keygen" in str(info.value)


def test_secret_key_checksum_mismatch_is_refused(secret: SecretKey) -> None:
    payload = _secret_payload(secret)
    payload[-1] ^= 0x01
    with pytest.raises(PackSignatureError, match="checksum"):
        SecretKey.from_text(_secret_text(payload))


def test_secret_key_with_zero_checksum_is_accepted(secret: SecretKey) -> None:
    # `minisign -G -W` writes an all-zero checksum for unencrypted keys.
    payload = _secret_payload(secret)
    payload[-32:] = bytes(32)
    assert SecretKey.from_text(_secret_text(payload)) == secret


def test_secret_key_with_inconsistent_public_half_is_refused(secret: SecretKey) -> None:
    payload = _secret_payload(secret)
    payload[-33] ^= 0x01  # last byte of the public half
    payload[-32:] = bytes(32)  # so only the key-pair check can catch it
    with pytest.raises(PackSignatureError, match="inconsistent"):
        SecretKey.from_text(_secret_text(payload))


# --- signing and verifying ------------------------------------------------------------------


def test_round_trip(secret: SecretKey, signature: str) -> None:
    result = verify(DATA, signature, [secret.public_key])
    assert result == VerifiedSignature(key=secret.public_key, trusted_comment="pack: demo v1")
    lines = _lines(signature)
    assert len(lines) == 4 and signature.endswith("\n")
    assert lines[0] == "untrusted comment: signature from mlcert-pack secret key"
    assert base64.b64decode(lines[1])[:10] == b"ED" + secret.key_id


def test_verify_accepts_bytes_and_crlf(secret: SecretKey, signature: str) -> None:
    crlf = signature.replace("\n", "\r\n").encode()
    assert verify(DATA, crlf, [secret.public_key]).trusted_comment == "pack: demo v1"


def test_unicode_trusted_comment_round_trips(secret: SecretKey) -> None:
    text = sign(DATA, secret, "Paquet : révision ✓\tv2")
    assert verify(DATA, text, [secret.public_key]).trusted_comment == "Paquet : révision ✓\tv2"


def test_tampered_data_is_refused(secret: SecretKey, signature: str) -> None:
    tampered = bytearray(DATA)
    tampered[57] ^= 0x04
    with pytest.raises(PackSignatureError, match="does not match its contents"):
        verify(bytes(tampered), signature, [secret.public_key])


def test_tampered_trusted_comment_is_refused(secret: SecretKey, signature: str) -> None:
    lines = _lines(signature)
    lines[2] = "trusted comment: pack: demo v2"
    with pytest.raises(PackSignatureError, match="trusted comment was altered"):
        verify(DATA, _join(lines), [secret.public_key])


def test_tampered_signature_bytes_are_refused(secret: SecretKey, signature: str) -> None:
    def flip(raw: bytearray) -> None:
        raw[40] ^= 0x80

    with pytest.raises(PackSignatureError, match="does not match its contents"):
        verify(DATA, _with_sig_struct(signature, flip), [secret.public_key])


def test_tampered_global_signature_is_refused(secret: SecretKey, signature: str) -> None:
    lines = _lines(signature)
    raw = bytearray(base64.b64decode(lines[3]))
    raw[0] ^= 0x01
    lines[3] = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(PackSignatureError, match="trusted comment was altered"):
        verify(DATA, _join(lines), [secret.public_key])


def test_unknown_key_raises_untrusted_key_error(secret: SecretKey, signature: str) -> None:
    other = SecretKey.generate().public_key
    with pytest.raises(UntrustedKeyError) as info:
        verify(DATA, signature, [other, PublicKey.from_base64(OFFICIAL_KEY_B64)])
    assert info.value.key_id == secret.public_key.key_id_hex
    assert secret.public_key.key_id_hex in str(info.value)


def test_no_trusted_keys_raises_untrusted_key_error(secret: SecretKey, signature: str) -> None:
    with pytest.raises(UntrustedKeyError):
        verify(DATA, signature, [])


def test_other_key_with_same_id_does_not_verify(secret: SecretKey, signature: str) -> None:
    impostor = PublicKey(key_id=secret.key_id, key=SecretKey.generate().public_key.key)
    with pytest.raises(PackSignatureError, match="does not match its contents"):
        verify(DATA, signature, [impostor])
    # ...but it does not stop the genuine key from being found.
    assert verify(DATA, signature, [impostor, secret.public_key]).key == secret.public_key


@pytest.mark.parametrize(
    "make_text",
    [
        lambda s: "",
        lambda s: "garbage",
        lambda s: b"\xff\xfe" + s.encode(),
        lambda s: "\n".join(s.splitlines()[:3]) + "\n",
        lambda s: s.replace(s.splitlines()[1], s.splitlines()[1][:40]),
        lambda s: s.replace(s.splitlines()[3], "!!!not-base64!!!"),
        lambda s: s.replace("untrusted comment: ", "comment: "),
        lambda s: s.replace("trusted comment: pack", "trusted: pack"),
        lambda s: s + "extra line\n",
        lambda s: s.replace("pack: demo v1", "pack:\x1b[2J demo"),
        lambda s: s.replace("signature from", "x" * 5000),
    ],
    ids=[
        "empty",
        "garbage",
        "non-utf8",
        "truncated",
        "short-sig",
        "bad-global-b64",
        "no-untrusted-prefix",
        "no-trusted-prefix",
        "extra-line",
        "control-chars",
        "oversized",
    ],
)
def test_malformed_signature_is_refused(secret: SecretKey, signature: str, make_text) -> None:
    with pytest.raises(PackSignatureError) as info:
        verify(DATA, make_text(signature), [secret.public_key])
    assert not isinstance(info.value, UntrustedKeyError)


def test_wrong_algorithm_is_refused(secret: SecretKey, signature: str) -> None:
    def set_alg(raw: bytearray) -> None:
        raw[0:2] = b"XX"

    with pytest.raises(PackSignatureError, match="unsupported algorithm"):
        verify(DATA, _with_sig_struct(signature, set_alg), [secret.public_key])


def test_legacy_signature_is_accepted(secret: SecretKey) -> None:
    # "Ed": Ed25519 over the raw data, built here by hand so it does not reuse sign().
    private = Ed25519PrivateKey.from_private_bytes(secret.secret[:32])
    sig = private.sign(DATA)
    comment = "legacy"
    text = (
        "untrusted comment: legacy\n"
        + base64.b64encode(b"Ed" + secret.key_id + sig).decode()
        + f"\ntrusted comment: {comment}\n"
        + base64.b64encode(private.sign(sig + comment.encode())).decode()
        + "\n"
    )
    assert verify(DATA, text, [secret.public_key]).trusted_comment == comment
    with pytest.raises(PackSignatureError, match="does not match"):
        verify(DATA + b"x", text, [secret.public_key])


@pytest.mark.parametrize("field", ["trusted", "untrusted"])
@pytest.mark.parametrize("newline", ["\n", "\r"])
def test_comments_with_newlines_are_rejected(secret: SecretKey, field: str, newline: str) -> None:
    comments = {"trusted_comment": "ok", "untrusted_comment": "ok"}
    comments[f"{field}_comment"] = f"one{newline}two"
    with pytest.raises(ValueError, match="single line"):
        sign(DATA, secret, **comments)


def test_oversized_comment_is_rejected_when_signing(secret: SecretKey) -> None:
    with pytest.raises(ValueError, match="too long"):
        sign(DATA, secret, "x" * 5000)


# --- interop with the real minisign tool ------------------------------------------------------


def _write_pack(tmp_path: Path) -> Path:
    path = tmp_path / "demo.mlpack"
    path.write_bytes(DATA)
    return path


@needs_minisign
def test_minisign_verifies_our_signature(secret: SecretKey, tmp_path: Path) -> None:
    pack = _write_pack(tmp_path)
    pub = tmp_path / "key.pub"
    pub.write_text(secret.public_key.to_text())
    sig = tmp_path / "demo.mlpack.minisig"
    sig.write_text(sign(DATA, secret, "pack: interop"))
    result = _run("-V", "-p", pub, "-m", pack, "-x", sig)
    assert result.returncode == 0, result.stderr
    assert "pack: interop" in result.stdout + result.stderr
    pack.write_bytes(DATA + b"!")  # and minisign does check: a changed file fails
    assert _run("-V", "-p", pub, "-m", pack, "-x", sig).returncode != 0


@needs_minisign
def test_we_verify_minisign_signature_made_with_our_key(secret: SecretKey, tmp_path: Path) -> None:
    pack = _write_pack(tmp_path)
    sec = tmp_path / "key.sec"
    sec.write_text(secret.to_text())
    sig = tmp_path / "out.minisig"
    result = _run("-S", "-s", sec, "-m", pack, "-x", sig, "-t", "made by minisign")
    assert result.returncode == 0, result.stderr
    verified = verify(DATA, sig.read_bytes(), [secret.public_key])
    assert verified.trusted_comment == "made by minisign"


@needs_minisign
def test_minisign_key_pair_works_both_ways(tmp_path: Path) -> None:
    pub, sec = tmp_path / "mk.pub", tmp_path / "mk.sec"
    result = _run("-G", "-W", "-p", pub, "-s", sec)
    assert result.returncode == 0, result.stderr
    public, secret = PublicKey.from_file(pub), SecretKey.from_file(sec)
    assert secret.public_key == public
    # minisign prints the id with %llX, i.e. without leading zeros; we always pad to 16.
    assert pub.read_text().splitlines()[0].endswith(" " + public.key_id_hex.lstrip("0"))
    pack = _write_pack(tmp_path)
    ours = tmp_path / "ours.minisig"
    ours.write_text(sign(DATA, secret, "ours"))
    assert _run("-V", "-p", pub, "-m", pack, "-x", ours).returncode == 0
    theirs = tmp_path / "theirs.minisig"
    assert _run("-S", "-s", sec, "-m", pack, "-x", theirs, "-t", "theirs").returncode == 0
    assert verify(DATA, theirs.read_text(), [public]).trusted_comment == "theirs"


@needs_minisign
def test_we_accept_minisign_legacy_signature(secret: SecretKey, tmp_path: Path) -> None:
    pack = _write_pack(tmp_path)
    sec = tmp_path / "key.sec"
    sec.write_text(secret.to_text())
    sig = tmp_path / "legacy.minisig"
    result = _run("-S", "-l", "-s", sec, "-m", pack, "-x", sig, "-t", "legacy")
    assert result.returncode == 0, result.stderr
    assert base64.b64decode(sig.read_text().splitlines()[1])[:2] == b"Ed"
    assert verify(DATA, sig.read_text(), [secret.public_key]).trusted_comment == "legacy"
