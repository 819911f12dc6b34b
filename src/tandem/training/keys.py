"""The signing keys of the organisations that issue badges and certificates (E3).

Each organisation has one current Ed25519 key, made the first time it issues a
credential. The private key is kept encrypted (Fernet, with a key derived by
HKDF-SHA256 from the deployment's SECRET_KEY) and is only ever decrypted here,
to sign; the public key is published on the issuer profile as a JWK. Retired
keys stay on record so that credentials they signed still verify.
"""

from __future__ import annotations

import base64
import functools
import json
import threading
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from jwt.algorithms import OKPAlgorithm
from openbadgeslib.ob3 import OB3Signer

from tandem.core.tenancy import system_access
from tandem.training.models import IssuerKey

if TYPE_CHECKING:
    from tandem.organisations.models import Organisation

ALGORITHM = "EdDSA"
_HKDF_INFO = b"tandem training issuer key encryption"
_HKDF_SALT = b"tandem.training.keys"


class KeyUnavailable(RuntimeError):
    """The stored private key cannot be decrypted (the deployment's secret changed)."""


@functools.lru_cache(maxsize=4)
def _fernet_for(secret: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=_HKDF_INFO).derive(
        secret.encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def _fernet() -> Fernet:
    return _fernet_for(settings.SECRET_KEY)


def _new_key(organisation: Organisation) -> IssuerKey:
    private = Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return IssuerKey(
        organisation=organisation,
        algorithm=ALGORITHM,
        public_key_pem=public_pem.decode("ascii"),
        private_key_encrypted=_fernet().encrypt(private_pem).decode("ascii"),
    )


def current_key(organisation: Organisation) -> IssuerKey:
    """The organisation's current signing key, made on first use.

    Two first issues at once both try to create it; the database allows one
    current key per organisation, so the loser fetches the winner's.
    """
    with system_access():
        key = IssuerKey.objects.filter(organisation=organisation, retired_at__isnull=True).first()
        if key is not None:
            return key
        try:
            with transaction.atomic():
                key = _new_key(organisation)
                key.save()
                return key
        except IntegrityError:
            return IssuerKey.objects.get(organisation=organisation, retired_at__isnull=True)


def keys_of(organisation: Organisation) -> list[IssuerKey]:
    """Every key the organisation has signed with, the current one first."""
    with system_access():
        keys = list(IssuerKey.objects.filter(organisation=organisation))
    keys.sort(key=lambda k: (k.retired_at is not None, -k.created_at.timestamp()))
    return keys


def private_key_pem(key: IssuerKey) -> bytes:
    """The decrypted private key: only for signing, never shown or sent."""
    try:
        return _fernet().decrypt(key.private_key_encrypted.encode("ascii"))
    except InvalidToken as exc:
        raise KeyUnavailable(
            f"The signing key of {key.organisation_id} cannot be decrypted with this "
            "deployment's SECRET_KEY"
        ) from exc


_signers: dict[tuple[str, str], OB3Signer] = {}
_signers_lock = threading.Lock()


def signer(key: IssuerKey) -> OB3Signer:
    """An OB3 signer for the key (kept per process, so the key is parsed once)."""
    cache_key = (str(key.uuid), settings.SECRET_KEY)
    found = _signers.get(cache_key)
    if found is None:
        found = OB3Signer(private_key_pem(key), algorithm=key.algorithm)
        with _signers_lock:
            if len(_signers) > 256:
                _signers.clear()
            _signers[cache_key] = found
    return found


def key_id(key: IssuerKey) -> str:
    """The key's one identifier: the id of its verification method on the issuer profile,
    which is also the ``kid`` of its published JWK."""
    with system_access():
        organisation_uuid = key.organisation.uuid
    profile = reverse("training:issuer_profile", kwargs={"uuid": organisation_uuid})
    return f"{settings.SITE_URL.rstrip('/')}{profile}#{key.uuid}"


@functools.lru_cache(maxsize=512)
def _jwk_of_pem(public_key_pem: str) -> str:
    public = serialization.load_pem_public_key(public_key_pem.encode("ascii"))
    return OKPAlgorithm.to_jwk(public)


def public_jwk(key: IssuerKey) -> dict[str, Any]:
    """The public key as a JWK (RFC 8037 OKP), with its id, algorithm and use."""
    jwk = json.loads(_jwk_of_pem(key.public_key_pem))
    jwk.update({"kid": key_id(key), "alg": key.algorithm, "use": "sig"})
    return jwk


def jwk_matches(key: IssuerKey, jwk: Any) -> bool:
    """Is ``jwk`` (for example from a token's header) this key's public key?"""
    if not isinstance(jwk, dict):
        return False
    ours = public_jwk(key)
    return all(jwk.get(name) == ours[name] for name in ("kty", "crv", "x"))
