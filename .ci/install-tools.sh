#!/usr/bin/env bash
# Idempotent installation of the build tools Hearth needs that are not Debian packages:
#   - the wasm32-unknown-unknown target
#   - cargo-leptos (pinned, built with its `no_downloads` feature so it never fetches a tool)
#   - wasm-bindgen-cli, at exactly the version of the wasm-bindgen crate pinned in Cargo.toml
# Both crates are built from their published source because their own lock files need a newer
# rustc (cargo-leptos) or name a yanked crate (wasm-bindgen-cli); we pin one dependency back.
# Skips everything that is already present at the right version.
set -euo pipefail

CARGO_LEPTOS_VERSION="${CARGO_LEPTOS_VERSION:-0.3.11}"
WASM_BINDGEN_VERSION="${WASM_BINDGEN_VERSION:-0.2.130}"
WORK="${HEARTH_TOOLS_DIR:-${TMPDIR:-/tmp}/hearth-tools}"
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$PATH"

log() { printf '[install-tools] %s\n' "$*" >&2; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# fetch_crate NAME VERSION -> prints the unpacked source directory
fetch_crate() {
  local name="$1" version="$2" dir="$WORK/src"
  mkdir -p "$dir"
  if [ ! -f "$dir/$name-$version/Cargo.toml" ]; then
    log "downloading $name $version source from crates.io"
    curl -fsSL --retry 3 -o "$dir/$name-$version.crate" \
      "https://static.crates.io/crates/$name/$name-$version.crate"
    tar -xzf "$dir/$name-$version.crate" -C "$dir"
  fi
  printf '%s\n' "$dir/$name-$version"
}

# A build tool does not need LTO or one codegen unit: this cuts the install time a lot.
fast_install() {
  local src="$1"; shift
  CARGO_PROFILE_RELEASE_LTO=false \
  CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
  CARGO_TARGET_DIR="$WORK/target" \
    cargo install --path "$src" --locked --force "$@"
}

have_version() { # have_version CMD EXPECTED -> 0 when `CMD --version` mentions EXPECTED
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qF " $2"
}

if have_version cargo-leptos "$CARGO_LEPTOS_VERSION"; then
  log "cargo-leptos $CARGO_LEPTOS_VERSION present"
else
  src=$(fetch_crate cargo-leptos "$CARGO_LEPTOS_VERSION")
  # cargo-util-schemas 0.14.2 needs rustc 1.96; 0.14.1 is API-compatible and builds on 1.95.
  (cd "$src" && cargo update -p cargo-util-schemas --precise 0.14.1)
  log "building cargo-leptos $CARGO_LEPTOS_VERSION (about 15 minutes on two cores, once per machine; it has not hung)"
  fast_install "$src" --features no_downloads
fi

if have_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  log "wasm-bindgen $WASM_BINDGEN_VERSION present"
else
  src=$(fetch_crate wasm-bindgen-cli "$WASM_BINDGEN_VERSION")
  # webpki-roots 1.0.11 named by its lock file is not in the index any more.
  (cd "$src" && cargo update -p webpki-roots --precise 1.0.10)
  log "building wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 4 minutes on two cores, once per machine)"
  fast_install "$src"
fi

# The tools' build directory is several gigabytes that nothing reads again: give the disk back.
rm -rf "$WORK/target"
