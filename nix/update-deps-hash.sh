#!/usr/bin/env bash
# usage: nix/update-deps-hash.sh [SYSTEM]
# Computes the fixed-output hash of sparkd's Maven dependencies for SYSTEM (default: this machine's) and writes
# it into nix/deps-hashes.json. Run it after changing a pom.xml, once per system (x86_64-linux, aarch64-linux), on
# a machine with Nix and nixpkgs (<nixpkgs>, or NIXPKGS=/path/to/nixpkgs). It builds the dependency derivation
# with a placeholder hash (here only, never committed) and records the hash Nix reports.
set -euo pipefail
cd "$(dirname "$0")/.."
system=${1:-$(nix-instantiate --eval --expr 'builtins.currentSystem' | tr -d '"')}
nixpkgs=${NIXPKGS:-<nixpkgs>}
expr="let pkgs = import $nixpkgs { system = \"$system\"; }; in (pkgs.callPackage ./nix/package.nix { mvnHash = pkgs.lib.fakeHash; }).fetchedMavenDeps"
out=$(nix-build --no-out-link -E "$expr" 2>&1 || true)
got=$(printf '%s\n' "$out" | sed -n 's/.*got: *\(sha256-[A-Za-z0-9+/=]*\).*/\1/p' | tail -n 1)
[ -n "$got" ] || { printf '%s\n' "$out" | tail -n 20 >&2; echo "update-deps-hash: Nix reported no hash (see above)" >&2; exit 1; }
node -e 'const fs = require("fs"), f = "nix/deps-hashes.json", h = JSON.parse(fs.readFileSync(f)); h[process.argv[1]] = process.argv[2];
  fs.writeFileSync(f, JSON.stringify(Object.fromEntries(Object.entries(h).sort()), null, 2) + "\n")' "$system" "$got"
echo "update-deps-hash: $system = $got (nix/deps-hashes.json)"
