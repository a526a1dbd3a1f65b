#!/usr/bin/env python3
"""Checks the OCI image archive of `make image` and runs it without a container runtime.

1. Structure: index.json -> manifest -> config and layers; every blob's size and sha256 match its
   descriptor, every layer's uncompressed sha256 matches the config's diff_ids.
2. Contents: the JRE, its loader and C libraries, the Quarkus application, an unprivileged user.
3. Runs it: the layers are unpacked into a root filesystem and the image's entrypoint is started
   there with chroot as the image's user, once as a worker (`verify` without its environment must
   refuse with a usage error naming the missing variable, never a value), the way a Job runs it,
   and pg_dump and pg_restore (the pgDump snapshot Job's tools) print their version there, which
   proves their shared-library closure is complete.
Usage: hack/check-image.py target/dovetail-operator-image.tar
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

REQUIRED = {
    "opt/java/bin/java": 0o755,
    "lib64/ld-linux-x86-64.so.2": None,
    "lib/x86_64-linux-gnu/libc.so.6": None,
    "lib/x86_64-linux-gnu/libstdc++.so.6": None,
    "lib/x86_64-linux-gnu/libz.so.1": None,
    "deployments/quarkus-run.jar": None,
    "etc/passwd": None,
    "usr/bin/pg_dump": 0o755,
    "usr/bin/pg_restore": 0o755,
    "lib/x86_64-linux-gnu/libpq.so.5": None,
}


def fail(message):
    print("check-image: FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def main(path):
    archive = tarfile.open(path)
    blobs = {}

    def blob(descriptor):
        algo, digest = descriptor["digest"].split(":")
        data = archive.extractfile(f"blobs/{algo}/{digest}").read()
        if len(data) != descriptor["size"]:
            fail(f"{descriptor['digest']}: size {len(data)} != {descriptor['size']}")
        if hashlib.sha256(data).hexdigest() != digest:
            fail(f"{descriptor['digest']}: content does not match its digest")
        blobs[digest] = data
        return data

    if archive.extractfile("oci-layout").read() != b'{"imageLayoutVersion": "1.0.0"}':
        fail("oci-layout is not an OCI image layout 1.0.0")
    index = json.loads(archive.extractfile("index.json").read())
    [entry] = index["manifests"]
    manifest = json.loads(blob(entry))
    config = json.loads(blob(manifest["config"]))
    if (config["os"], config["architecture"]) != ("linux", "amd64"):
        fail(f"platform {config['os']}/{config['architecture']}")
    layers = [blob(layer) for layer in manifest["layers"]]
    diff_ids = config["rootfs"]["diff_ids"]
    if len(diff_ids) != len(layers):
        fail(f"{len(layers)} layers but {len(diff_ids)} diff_ids")
    files = {}
    for data, diff_id in zip(layers, diff_ids):
        raw = gzip.decompress(data)
        if "sha256:" + hashlib.sha256(raw).hexdigest() != diff_id:
            fail(f"layer {diff_id} does not match its diff_id")
        with tarfile.open(fileobj=io.BytesIO(raw)) as layer:
            for member in layer.getmembers():
                files[member.name.lstrip("./").lstrip("/")] = member.mode
    for name, mode in REQUIRED.items():
        if name not in files:
            fail(f"/{name} is missing from the layers")
        if mode is not None and files[name] & 0o777 != mode:
            fail(f"/{name} has mode {oct(files[name])}, wants {oct(mode)}")
    cfg = config["config"]
    entrypoint = cfg.get("Entrypoint") or []
    if entrypoint[:1] != ["/opt/java/bin/java"] or "/deployments/quarkus-run.jar" not in entrypoint:
        fail(f"entrypoint {entrypoint}")
    if cfg.get("User") != "65532:65532":
        fail(f"user {cfg.get('User')!r}: the image must run as the unprivileged 65532")
    size = sum(len(x) for x in layers)
    print(f"check-image: {entry['annotations'].get('org.opencontainers.image.ref.name')}: "
          f"{len(layers)} layers, {size / 1e6:.1f} MB compressed, {len(files)} files; "
          f"entrypoint {' '.join(entrypoint)}; user {cfg['User']}; digests verified")
    run(layers, entrypoint, cfg)


def run(layers, entrypoint, cfg):
    if os.geteuid() != 0 or shutil.which("chroot") is None:
        print("check-image: run check skipped: needs root and chroot to start the image")
        return
    root = tempfile.mkdtemp(prefix="dovetail-image-")
    os.chmod(root, 0o755)  # the image user must be able to enter its own root
    try:
        for data in layers:
            with tarfile.open(fileobj=io.BytesIO(gzip.decompress(data))) as layer:
                layer.extractall(root)
        os.makedirs(f"{root}/proc", exist_ok=True)
        subprocess.run(["mount", "-t", "proc", "proc", f"{root}/proc"], check=True)
        try:
            env = {e.split("=", 1)[0]: e.split("=", 1)[1] for e in cfg.get("Env", [])}
            env["QUARKUS_OPERATOR_SDK_START_OPERATOR"] = "false"  # as WorkerJobs sets it
            result = subprocess.run(
                [shutil.which("chroot"), "--userspec=" + cfg["User"], root] + entrypoint + ["verify"],
                env=env, capture_output=True, text=True, timeout=120,
                cwd=root)
            tools = [
                subprocess.run(
                    [shutil.which("chroot"), "--userspec=" + cfg["User"], root, f"/usr/bin/{tool}",
                     "--version"],
                    env={}, capture_output=True, text=True, timeout=60, cwd=root)
                for tool in ("pg_dump", "pg_restore")
            ]
        finally:
            subprocess.run(["umount", f"{root}/proc"], check=True)
        out = result.stdout + result.stderr
        if result.returncode == 0 or "environment variable DOVETAIL_DATABASE_URI is missing" not in out:
            fail(f"the worker role did not start as expected (exit {result.returncode}):\n{out}")
        print(f"check-image: ran `{' '.join(entrypoint)} verify` as {cfg['User']} in the unpacked "
              f"image: exit {result.returncode}, usage error naming DOVETAIL_DATABASE_URI")
        for tool, ran in zip(("pg_dump", "pg_restore"), tools):
            if ran.returncode != 0 or "(PostgreSQL) 15" not in ran.stdout:
                fail(f"{tool} --version in the image (exit {ran.returncode}): "
                     f"{ran.stdout}{ran.stderr}")
            print(f"check-image: {ran.stdout.strip()} runs in the image as {cfg['User']}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "target/dovetail-operator-image.tar")
