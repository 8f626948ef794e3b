# Shared by the scripts that build test servers from Go modules
# (otelcol-build.sh, victorialogs-build.sh). Source it after defining
# say() and $bin; it defines no variables of its own but those documented.

# Prints $bin and exits when it is already built.
reuse_if_built() {
  if [[ -x "$bin" ]]; then
    say "reusing $bin ($(stat -c %s "$bin") bytes)"
    echo "$bin"
    exit 0
  fi
}

# Exports GOPROXY as the configured proxies without `direct` (or an `off`
# already there), then `off`: a module the proxy does not serve fails the
# build at once instead of a slow attempt at its source repository. Exits 2
# when no proxy is configured.
use_module_proxy_only() {
  local proxies
  # grep finding nothing must reach the check below, not end the script under pipefail.
  proxies="$(go env GOPROXY | tr ',|' '\n\n' | { grep -v -x -e direct -e off -e '' || true; } | paste -sd, -)"
  [[ -n "$proxies" ]] || { say "go env GOPROXY names no module proxy"; exit 2; }
  export GOPROXY="$proxies,off"
}

# Runs "$@" in $tmp with its output in $tmp/build.log; on failure prints the
# log's end (the log goes with $tmp) and exits 1. Sets build_ms.
run_build() {
  local start
  start=$(date +%s%N)
  (cd "$tmp" && "$@") >"$tmp/build.log" 2>&1 || {
    tail -n 40 "$tmp/build.log" >&2
    say "build failed (the end of its log is above)"
    exit 1
  }
  build_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  rm -f "$tmp/build.log"
}

# Renames the finished $tmp to $dir (unless another build got there first),
# reports the time and size, and prints $bin. "$@": how to ask the binary its version.
publish_build() {
  if ! mv -T "$tmp" "$dir" 2>/dev/null; then
    say "another build finished first; using it"
  fi
  trap - EXIT
  rm -rf "$tmp"
  local size
  size=$(stat -c %s "$bin")
  say "built in $(awk -v ms="$build_ms" 'BEGIN { printf "%.1f", ms / 1000 }') s: $bin, $size bytes ($(awk -v b="$size" 'BEGIN { printf "%.1f", b / 1048576 }') MiB), $("$bin" "$@")"
  echo "$bin"
}
