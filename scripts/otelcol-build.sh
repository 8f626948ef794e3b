#!/usr/bin/env bash
# Builds the OpenTelemetry Collector the end-to-end tests run, from
# test/e2e/otelcol/builder.yaml, with the OpenTelemetry Collector Builder (ocb).
#
#   scripts/otelcol-build.sh            build unless cached; print the binary's path on stdout
#   scripts/otelcol-build.sh --path     print the path the binary has (or would have); build nothing
#
# The binary lives outside the repository, in
# ${FTPLOG_OTELCOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ftplog-otel}/otelcol-<hash>/,
# keyed by the manifest's hash, and is reused while the manifest is unchanged.
# A build goes to a temporary folder first and is renamed into place when it
# is complete, so an interrupted build is never mistaken for a finished one.
#
# Modules come only from the configured module proxy: `direct` is dropped and
# `off` appended, so a module the proxy does not serve fails the build at once
# instead of a slow attempt at its source repository. Progress and timings go
# to stderr; stdout carries only the binary's path.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
manifest="$root/test/e2e/otelcol/builder.yaml"
hash="$(sha256sum "$manifest" | cut -c1-16)"
cache_root="${FTPLOG_OTELCOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ftplog-otel}"
dir="$cache_root/otelcol-$hash"
bin="$dir/otelcol-ftplog"

say() { echo "otelcol-build: $*" >&2; }
# shellcheck source=go-build-common.sh
source "$root/scripts/go-build-common.sh"

if [[ "${1:-}" == "--path" ]]; then echo "$bin"; exit 0; fi
if [[ $# -gt 0 ]]; then say "unknown argument: $1"; exit 2; fi

reuse_if_built

command -v go >/dev/null || { say "go is not on PATH: cannot build the Collector"; exit 3; }
ocb_version="$(sed -n 's/^# ocb-version: *\(v[0-9.]*\).*/\1/p' "$manifest")"
[[ -n "$ocb_version" ]] || { say "no '# ocb-version:' line in $manifest"; exit 2; }

use_module_proxy_only
# -e lets `go mod tidy` pass over modules that only the components' own tests
# import (fileexporter's tests import an encoding extension the proxy does not
# serve); a module the Collector itself needs still fails `go build`.
export GOFLAGS="$(go env GOFLAGS) -mod=mod -e"
export GOTOOLCHAIN=local GOWORK=off
say "GOPROXY=$GOPROXY GOFLAGS=$GOFLAGS ($(go version))"

mkdir -p "$cache_root"
ocb="$cache_root/ocb-$ocb_version/builder"
if [[ ! -x "$ocb" ]]; then
  say "installing the builder $ocb_version"
  GOBIN="$cache_root/ocb-$ocb_version" go install "go.opentelemetry.io/collector/cmd/builder@$ocb_version"
fi

# A folder without its binary (removed by hand, or a disk that filled up) is rebuilt.
[[ -d "$dir" ]] && rm -rf "$dir"
tmp="$(mktemp -d "$cache_root/otelcol-$hash.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
cp "$manifest" "$tmp/builder.yaml"
say "building the Collector from $manifest into $dir (several minutes on 2 cores)"
run_build "$ocb" --config builder.yaml
mv "$tmp/src/otelcol-ftplog" "$tmp/otelcol-ftplog"
rm -rf "$tmp/src"
publish_build --version
