#!/usr/bin/env bash
# Assembles the root filesystem of the Dovetail image without pulling a base image (no registry but
# Maven Central, Debian and npm is reachable here): a JRE cut by jlink from the machine's JDK
# (Debian's openjdk-17 package) and the C libraries that JRE links against, unpacked from Debian's
# own packages (libc6, libstdc++6, libgcc-s1, zlib1g). Jib (make image) layers it under the
# Quarkus application. Usage: hack/image-root.sh [output dir, default target/image-root]
set -Eeuo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/image-root}
# Modules the operator and workers use (JDBC, JNDI for the PostgreSQL driver, HTTP/TLS to the API
# server, management for health, java.desktop for java.beans used by some libraries).
modules=java.base,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.security.sasl,java.sql,java.xml,java.desktop,java.instrument,jdk.crypto.ec,jdk.unsupported,jdk.zipfs,jdk.naming.dns,jdk.management
packages=(libc6 libstdc++6 libgcc-s1 zlib1g)
# pg_dump and pg_restore for the pgDump snapshot Job (spec.snapshot.pgDump), from Debian's
# postgresql-client-15, and the shared libraries they link against (libpq and its TLS, Kerberos and
# LDAP closure, as `ldd` lists it). Only the two binaries are kept, not the Perl wrapper scripts.
pg_major=15
pg_packages=(postgresql-client-$pg_major libpq5 libssl3 libgssapi-krb5-2 libkrb5-3 libk5crypto3
  libcom-err2 libkrb5support0 libkeyutils1 libldap-2.5-0 libsasl2-2 libgnutls30 libp11-kit0 libidn2-0
  libunistring2 libtasn1-6 libnettle8 libhogweed6 libgmp10 libffi8)
packages+=("${pg_packages[@]}")

rm -rf "$out"
mkdir -p "$out"/opt "$out"/etc "$out"/tmp "$out"/deployments
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 \
  --output "$out/opt/java"

debs=$(mktemp -d)
trap 'rm -rf "$debs"' EXIT
(cd "$debs" && apt-get download -q "${packages[@]}" >/dev/null 2>&1) || {
  echo "image-root: apt-get download ${packages[*]} failed; run apt-get update first" >&2
  exit 1
}
for deb in "$debs"/*.deb; do
  dpkg-deb -x "$deb" "$debs/root"
done
# Keep only the shared libraries and the loader: no docs, locales, gconv modules or tools.
mkdir -p "$out/lib/x86_64-linux-gnu" "$out/lib64"
find "$debs/root/lib/x86_64-linux-gnu" "$debs/root/usr/lib/x86_64-linux-gnu" -maxdepth 1 \
  \( -name '*.so*' \) -exec cp -a {} "$out/lib/x86_64-linux-gnu/" \; 2>/dev/null || true
# The JRE's binaries ask for /lib64/ld-linux-x86-64.so.2: a real file, as Jib copies symlinks'
# targets anyway.
cp -L "$debs/root/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" "$out/lib64/ld-linux-x86-64.so.2"
# Resolve the libraries' own symlinks so the layer holds files only.
for link in "$out"/lib/x86_64-linux-gnu/*; do
  if [ -L "$link" ]; then cp --remove-destination -L "$link" "$link.tmp" && mv "$link.tmp" "$link"; fi
done
# The worker finds them on the default PATH (/usr/bin), where no Debian pg_wrapper script competes.
mkdir -p "$out/usr/bin"
for tool in pg_dump pg_restore; do
  cp -L "$debs/root/usr/lib/postgresql/$pg_major/bin/$tool" "$out/usr/bin/$tool"
done
# The unprivileged user the Deployment and the worker Jobs run as (runAsUser 65532).
printf 'root:x:0:0:root:/root:/sbin/nologin\ndovetail:x:65532:65532:dovetail:/tmp:/sbin/nologin\n' >"$out/etc/passwd"
printf 'root:x:0:\ndovetail:x:65532:\n' >"$out/etc/group"
for deb in "$debs"/*.deb; do dpkg-deb -f "$deb" Package Version | paste -sd' '; done \
  >"$out/etc/dovetail-base-packages"
java -version 2>&1 | head -1 >"$out/etc/dovetail-jre"
du -sh "$out" | awk '{print "image-root: " $1 " in " $2}'
