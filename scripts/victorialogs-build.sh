#!/usr/bin/env bash
# Builds VictoriaLogs (github.com/VictoriaMetrics/VictoriaLogs, Apache-2.0), the
# log store the end-to-end test test/e2e/victorialogs.test.ts ships to through
# the Collector, from its Go module: `go install .../app/victoria-logs@VERSION`.
#
#   scripts/victorialogs-build.sh            build unless cached; print the binary's path on stdout
#   scripts/victorialogs-build.sh --path     print the path the binary has (or would have); build nothing
#
# The binary lives outside the repository, in
# ${FTPLOG_VICTORIALOGS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ftplog-otel}/victorialogs-<version>/,
# keyed by the version below, and is reused while the version is unchanged.
# A build goes to a temporary folder first and is renamed into place when it
# is complete, so an interrupted build is never mistaken for a finished one.
#
# Modules come only from the configured module proxy: `direct` is dropped and
# `off` appended, so a module the proxy does not serve fails the build at once
# instead of a slow attempt at its source repository. CGO_ENABLED=0 builds the
# pure Go binary (upstream's choice for most platforms), so no C compiler is
# needed. Progress and timings go to stderr; stdout carries only the binary's path.
set -euo pipefail

version=v1.52.2
module=github.com/VictoriaMetrics/VictoriaLogs
cache_root="${FTPLOG_VICTORIALOGS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ftplog-otel}"
dir="$cache_root/victorialogs-$version"
bin="$dir/victoria-logs"

say() { echo "victorialogs-build: $*" >&2; }
# shellcheck source=go-build-common.sh
source "$(dirname "$0")/go-build-common.sh"

if [[ "${1:-}" == "--path" ]]; then echo "$bin"; exit 0; fi
if [[ $# -gt 0 ]]; then say "unknown argument: $1"; exit 2; fi

reuse_if_built

command -v go >/dev/null || { say "go is not on PATH: cannot build VictoriaLogs"; exit 3; }

use_module_proxy_only
export GOFLAGS="$(go env GOFLAGS) -mod=mod"
# VictoriaLogs' go.mod names the Go release it needs; a local Go older than
# that fails with a message saying so instead of downloading a toolchain.
export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0
say "GOPROXY=$GOPROXY GOFLAGS=$GOFLAGS ($(go version))"

mkdir -p "$cache_root"
# A folder without its binary (removed by hand, or a disk that filled up) is rebuilt.
[[ -d "$dir" ]] && rm -rf "$dir"
tmp="$(mktemp -d "$cache_root/victorialogs-$version.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
say "building VictoriaLogs $version into $dir (under a minute on 2 cores)"
# The version stamp upstream's Makefile sets, so -version and the startup log name it.
ldflags="-X github.com/VictoriaMetrics/VictoriaMetrics/lib/buildinfo.Version=victoria-logs-$version"
run_build env GOBIN="$tmp" go install -ldflags "$ldflags" "$module/app/victoria-logs@$version"
publish_build -version
