"""Evidence vault benchmark: encrypt, decrypt and web-upload a large file; throughput and peak memory.

    python -m bench.vault [--size-mib 1024] [--dir FOLDER] [--store local|s3]

Every figure is measured in this run on this disk: a raw copy of the same file (the disk's and page
cache's own speed), the AES-256-GCM ceiling (16 KiB chunks sealed in memory, nothing else), then
the vault's streamed encrypt (read, hash, encrypt, write, fsync) and decrypt (read, authenticate, hash).
Each measurement runs in a fresh child process so its peak RSS is its own; memory is also measured at
a quarter of the size to show that it stays flat as the file grows. Finally a 1 GiB (by default) upload
goes through the real web endpoint (Werkzeug server, signed-in assessor, multipart form) and the
server's peak RSS is read from /proc.

With ``--store s3`` the blobs go to a SeaweedFS S3 server started for the run (data in the same folder), and
the baselines are a raw multipart upload of the same file and a raw download of it, with the same client.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import children

MIB = 1024 * 1024
BLOCK = 4 * MIB
S3_ENV = "BENCH_S3_SETTINGS"  # the children's S3 settings (JSON); unset for the local disk


def _s3_settings() -> dict | None:
    raw = os.environ.get(S3_ENV)
    return json.loads(raw) if raw else None


def _store(home: str):
    """The blob store being measured: a folder in ``home``, or the S3 server of this run."""
    s3 = _s3_settings()
    if s3 is None:
        from vendorcheck.vault.blobstore import LocalBlobStore

        return LocalBlobStore(Path(home) / "blobs")
    from vendorcheck.vault.s3store import S3BlobStore

    return S3BlobStore.connect(
        s3["blob_store"],
        endpoint_url=s3["s3_endpoint_url"],
        region=s3["s3_region"],
        credentials=(s3["s3_access_key_id"], s3["s3_secret_access_key"]),
    )


def _child(task: str, *args: str) -> dict:
    """Run one measurement in a fresh interpreter."""
    return children.run("bench.vault", task, *args)


def make_input(path: Path, size: int) -> None:
    """Random (incompressible) bytes, written once."""
    with path.open("wb") as out:
        remaining = size
        while remaining:
            piece = os.urandom(min(BLOCK, remaining))
            out.write(piece)
            remaining -= len(piece)


# Child tasks: each prints {"seconds": ..., "peak_rss_mib": ...}


def task_baseline() -> dict:
    """What the interpreter with the vault (and the S3 client, if measured) costs, before any work."""
    from vendorcheck.vault import envelope  # noqa: F401

    _store("")  # with S3, boto3 and its client are part of the baseline
    return {"seconds": 0.0, "peak_rss_mib": children.peak_rss_mib()}


def task_copy(source: str, target: str) -> dict:
    """A raw copy with fsync: the disk's speed for the same read-write pattern."""
    started = time.perf_counter()
    with open(source, "rb") as src, open(target, "wb") as dst:
        while data := src.read(BLOCK):
            dst.write(data)
        dst.flush()
        os.fsync(dst.fileno())
    return {"seconds": time.perf_counter() - started, "peak_rss_mib": children.peak_rss_mib()}


def task_upload(source: str) -> dict:
    """A raw multipart upload of the file to the S3 server, in the store's part size: its own speed."""
    from vendorcheck.vault.s3store import PART_SIZE

    store = _store("")
    key = store.prefix + "raw-upload"
    started = time.perf_counter()
    upload_id = store.call("create_multipart_upload", Key=key)["UploadId"]
    parts = []
    with open(source, "rb") as src:
        while data := src.read(PART_SIZE):
            number = len(parts) + 1
            etag = store.call("upload_part", Key=key, UploadId=upload_id, PartNumber=number, Body=data)["ETag"]
            parts.append({"PartNumber": number, "ETag": etag})
    store.call("complete_multipart_upload", Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts})
    return {"seconds": time.perf_counter() - started, "peak_rss_mib": children.peak_rss_mib()}


def task_download() -> dict:
    """A raw download of that object in 1 MiB reads: the server's speed for the decrypt's read pattern."""
    store = _store("")
    started = time.perf_counter()
    body = store.call("get_object", Key=store.prefix + "raw-upload")["Body"]
    while body.read(MIB):
        pass
    return {"seconds": time.perf_counter() - started, "peak_rss_mib": children.peak_rss_mib()}


def task_ceiling(size: str) -> dict:
    """AES-256-GCM alone over 16 KiB chunks held in memory: the most the format could reach here."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from vendorcheck.vault.chunked import CHUNK_SIZE

    aead = AESGCM(os.urandom(32))
    chunk = os.urandom(CHUNK_SIZE)
    count = int(size) // CHUNK_SIZE
    started = time.perf_counter()
    for index in range(count):
        aead.encrypt(index.to_bytes(12, "big"), chunk, None)
    return {"seconds": time.perf_counter() - started, "peak_rss_mib": children.peak_rss_mib()}


def task_encrypt(source: str, home: str) -> dict:
    """The vault's streamed seal: read, SHA-256, encrypt, write, fsync, rename, wrap the data key."""
    from vendorcheck.vault import envelope
    from vendorcheck.vault.context import evidence_context
    from vendorcheck.vault.keyring import KeyRing

    ring = KeyRing.new()
    store = _store(home)
    Path(home).mkdir(exist_ok=True)  # the sealed record goes here (and the blobs, on the local disk)
    started = time.perf_counter()
    with open(source, "rb") as src:
        sealed = envelope.seal_stream(ring, store, evidence_context(1, 1, 1, 1), src)
    seconds = time.perf_counter() - started
    (Path(home) / "sealed.json").write_text(
        json.dumps({**sealed.__dict__, "wrapped_dek": sealed.wrapped_dek.hex(), "ring": ring.to_json()})
    )
    return {"seconds": seconds, "peak_rss_mib": children.peak_rss_mib()}


def task_decrypt(home: str) -> dict:
    """The vault's streamed open: read, authenticate each chunk, SHA-256, compare with the record."""
    from vendorcheck.vault import envelope
    from vendorcheck.vault.context import evidence_context
    from vendorcheck.vault.keyring import KeyRing

    record = json.loads((Path(home) / "sealed.json").read_text())
    ring = KeyRing.from_json(record.pop("ring"), "bench")
    record["wrapped_dek"] = bytes.fromhex(record["wrapped_dek"])
    sealed = envelope.SealedBlob(**record)
    store = _store(home)
    started = time.perf_counter()
    for _ in envelope.open_sealed(ring, store, sealed, evidence_context(1, 1, 1, 1)):
        pass
    return {"seconds": time.perf_counter() - started, "peak_rss_mib": children.peak_rss_mib()}


def task_server(home: str, port_file: str) -> None:
    """Serve a fresh instance (one vendor, one assessor) until killed; writes the port to ``port_file``."""
    from werkzeug.serving import make_server

    from vendorcheck import accounts, create_app, db
    from vendorcheck.audit import Actor
    from vendorcheck.config import load_settings
    from vendorcheck.instance import initialize
    from vendorcheck.models import Role, Vendor

    overrides = {"home": home, "env": "development", "secure_cookies": False, "max_upload_mib": 1 << 20}
    overrides.update(_s3_settings() or {})
    settings = load_settings(overrides, require_instance=False)
    initialize(settings)
    engine = db.make_engine(settings.database_url)
    with db.transaction(engine) as session:
        org, _ = accounts.get_or_create_organization(session, "Bench Practice")
        accounts.create_user(
            session, org, "assessor@bench.example", Role.ASSESSOR, "bench password 1234", actor=Actor.cli()
        )
        session.add(Vendor(org_id=org.id, name="Bench Billing"))
    engine.dispose()
    app = create_app(overrides)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    Path(port_file).write_text(str(server.server_port))
    server.serve_forever()


# The web upload, driven from the parent over a real socket


class Browser:
    """Just enough of a browser: cookies and CSRF tokens over http.client."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body=None, headers: dict[str, str] | None = None) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=3600)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        text = response.read().decode("utf-8", "replace")
        conn.close()
        return response.status, text

    def csrf(self, path: str) -> str:
        _, page = self.request("GET", path)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert match, f"no CSRF token on {path}"
        return match.group(1)


def web_upload(source: Path, size: int, work: Path) -> dict:
    port_file = work / "port"
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "bench.vault", "--child", "server", str(work / "instance"), str(port_file)],
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        for _ in range(300):
            if port_file.exists() and port_file.read_text():
                break
            time.sleep(0.1)
        browser = Browser(int(port_file.read_text()))
        token = browser.csrf("/login")
        form = f"csrf_token={token}&email=assessor%40bench.example&password=bench+password+1234"
        status, _ = browser.request("POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 302, "bench sign-in failed"
        token = browser.csrf("/vendors/1/evidence/new")
        boundary = "benchboundary7MA4YWxkTrZu0gW"
        fields = {"csrf_token": token, "kind": "other", "title": "Bench upload"}
        head = "".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()
        )
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="document"; filename="bench.txt"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        )
        tail = f"\r\n--{boundary}--\r\n".encode()

        def body():
            yield head.encode()
            with source.open("rb") as src:
                while data := src.read(BLOCK):
                    yield data
            yield tail

        length = len(head.encode()) + size + len(tail)
        before = _vmhwm_mib(server.pid)  # includes argon2id's memory-hard password check at sign-in
        Path(f"/proc/{server.pid}/clear_refs").write_text("5")  # reset the high-water mark to current RSS
        started = time.perf_counter()
        status, page = browser.request(
            "POST",
            "/vendors/1/evidence/new",
            body(),
            {"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(length)},
        )
        seconds = time.perf_counter() - started
        assert status == 302, f"upload refused ({status}): {re.findall(r'class=.error[^>]*>([^<]+)', page)}"
        peak = _vmhwm_mib(server.pid)
    finally:
        server.terminate()
        server.wait()
    return {"seconds": seconds, "peak_rss_mib": peak, "server_before_mib": before}


def _vmhwm_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def text_input(path: Path, size: int) -> None:
    """Text the upload's type check accepts (random bytes would be refused, as they should be)."""
    line = (b"vendor evidence bench line, plain UTF-8 text " * 20)[:1023] + b"\n"
    block = line * (BLOCK // len(line))
    with path.open("wb") as out:
        remaining = size
        while remaining:
            piece = block[: min(len(block), remaining)]
            out.write(piece)
            remaining -= len(piece)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mib", type=int, default=1024, help="file size (default 1024 = 1 GiB)")
    parser.add_argument("--dir", type=Path, default=Path.cwd(), help="where the files go (the disk measured)")
    parser.add_argument("--store", choices=("local", "s3"), default="local", help="local disk, or SeaweedFS S3")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child[0] == "server":
            task_server(*args.child[1:])
            return
        children.serve(globals(), args.child)
        return

    work = Path(tempfile.mkdtemp(prefix="vendorcheck-bench-", dir=args.dir))
    try:
        if args.store == "s3":
            from tests import seaweed

            with seaweed.running(work / "seaweedfs") as server:
                os.environ[S3_ENV] = json.dumps(server.settings(server.create_bucket(), "bench"))
                measure(args, work)
        else:
            measure(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(args: argparse.Namespace, work: Path) -> None:
    """Run every measurement and print the table (blobs in ``work``, or in the S3 server of this run)."""
    size = args.size_mib * MIB
    s3 = args.store == "s3"
    where = "a SeaweedFS S3 server on this machine" if s3 else str(work)
    print(f"vendorcheck vault benchmark: {args.size_mib} MiB file, blobs in {where} (Python {sys.version.split()[0]})")
    source = work / "input.bin"
    make_input(source, size)
    baseline = _child("baseline")["peak_rss_mib"]
    if s3:  # the server creates its volumes at the first write: not part of any measurement
        warm_up = work / "warm-up.bin"
        make_input(warm_up, 16 * MIB)
        _child("upload", str(warm_up))
        warm_up.unlink()
        results = {"raw S3 upload": _child("upload", str(source)), "raw S3 download": _child("download")}
        write_base, read_base = "raw S3 upload", "raw S3 download"
    else:
        results = {"raw copy": _child("copy", str(source), str(work / "copy.bin"))}
        write_base = read_base = "raw copy"
    results["AES-GCM ceiling"] = _child("ceiling", str(size))
    results["encrypt (vault)"] = _child("encrypt", str(source), str(work / "enc"))
    results["decrypt (vault)"] = _child("decrypt", str(work / "enc"))
    (work / "copy.bin").unlink(missing_ok=True)
    quarter = work / "quarter.bin"
    make_input(quarter, size // 4)
    small = {
        "encrypt": _child("encrypt", str(quarter), str(work / "enc-quarter")),
        "decrypt": _child("decrypt", str(work / "enc-quarter")),
    }
    shutil.rmtree(work / "enc")
    source.unlink()
    text = work / "upload.txt"
    text_input(text, size)
    results["web upload (vault)"] = web_upload(text, size, work)

    print(f"\n{'measurement':<20} {'MiB/s':>9} {'peak RSS MiB':>13}")
    for name, result in results.items():
        print(f"{name:<20} {size / MIB / result['seconds']:>9.0f} {result['peak_rss_mib']:>13.1f}")
    print(f"\ninterpreter baseline RSS: {baseline:.1f} MiB (included in the peaks above)")
    web = results["web upload (vault)"]
    print(
        f"web server peak RSS before the upload: {web['server_before_mib']:.1f} MiB (argon2id hashes passwords"
        " with 64 MiB by design); the web-upload figure is the server's peak during the upload alone"
    )
    for name, base in (
        ("encrypt (vault)", write_base),
        ("decrypt (vault)", read_base),
        ("web upload (vault)", write_base),
    ):
        ratio = results[base]["seconds"] / results[name]["seconds"]
        print(f"{name}: {ratio:.2f} x {base} throughput (target >= 0.50)")
    quarter_mib = args.size_mib // 4
    print(
        f"memory flat as the file grows: encrypt {small['encrypt']['peak_rss_mib']:.1f} MiB at {quarter_mib} MiB"
        f" vs {results['encrypt (vault)']['peak_rss_mib']:.1f} MiB at {args.size_mib} MiB; decrypt"
        f" {small['decrypt']['peak_rss_mib']:.1f} vs {results['decrypt (vault)']['peak_rss_mib']:.1f} MiB"
        " (targets: stream < 64 MiB, web upload < 128 MiB)"
    )


if __name__ == "__main__":
    main()
