"""The evidence vault: envelope encryption of evidence files, streamed, rotatable, tamper-evident. No Flask.

* ``chunked``: C2SP chunked-encryption v1 with AES-256-GCM (the file format).
* ``context``: the length-prefixed encoding that binds a blob to its evidence row.
* ``keyring``: versioned key-encryption keys that wrap each file's data key.
* ``blobstore``: random-named blobs written under a temporary name and renamed when complete.
* ``envelope``: sealing a stream into the store and opening it again.
"""

from vendorcheck.vault.chunked import DecryptionError, VaultError

__all__ = ["DecryptionError", "VaultError"]
