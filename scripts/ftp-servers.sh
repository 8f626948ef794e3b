#!/usr/bin/env bash
# Real FTP servers for the tests: vsftpd, ProFTPD and Pure-FTPd from Debian's
# packages, on 127.0.0.1, each writing the classic xferlog (and vsftpd its own
# log too).
#
#   scripts/ftp-servers.sh setup          install unless cached; print the folder the binaries are in
#   scripts/ftp-servers.sh start DIR      start the three servers with configs and logs in DIR
#   scripts/ftp-servers.sh stop DIR       stop the servers started in DIR
#
# The three packages conflict (Conflicts: ftp-server), so they are not
# installed: `apt-get download` fetches them and `dpkg-deb -x` unpacks them
# into one folder outside the repository,
# ${FTPLOG_FTP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ftplog-otel}/ftp-servers-<versions>/,
# where they run from. Their shared libraries (and curl) are installed
# normally. Setup also makes a local user (ftplog, password ftplog, home
# /var/lib/ftplog-otel-ftp/home), the anonymous user `ftp` when there is none
# (home /var/lib/ftplog-otel-ftp/anon; an existing one keeps its home, which
# is made root-owned, mode 755, and gets a welcome.txt), and the PAM service
# /etc/pam.d/ftplog-otel-ftp for vsftpd; all of it needs root. Meant for test
# machines: it changes the system.
#
# start writes DIR/servers.env: the ports (FTP_VSFTPD_PORT, FTP_PROFTPD_PORT,
# FTP_PUREFTPD_PORT, from the environment or 2121..2123), the log paths and
# the pids. The logs, and only they, are in DIR/logs. Each server runs in the foreground of a background job with its
# output in DIR/<name>.out; start waits until all three accept connections.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cache_root="${FTPLOG_FTP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ftplog-otel}"
packages=(vsftpd proftpd-core pure-ftpd)
libraries=(libwrap0 libhiredis0.14 libmemcached11 libmemcachedutil2 libpcre2-posix3 libsodium23 libpam-modules)
user=ftplog
base=/var/lib/ftplog-otel-ftp

say() { echo "ftp-servers: $*" >&2; }
die() { say "$*"; exit 1; }

need_root() { [[ $(id -u) == 0 ]] || die "needs root (the servers start as root, and setup installs packages and a user)"; }

# The folder is keyed by the packages' candidate versions, so an update of one fetches anew.
cache_dir() {
  local versions
  versions="$(apt-cache policy "${packages[@]}" 2>/dev/null | awk '/^[a-z]/{p=$1} /Candidate:/{printf "%s%s=%s", (n++?",":""), p, $2}')"
  [[ -n "$versions" && "$versions" != *"(none)"* ]] || return 1
  echo "$cache_root/ftp-servers-$(echo "$versions" | sha256sum | cut -c1-12)"
}

install_libraries() {
  local missing=()
  for p in "${libraries[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
  command -v curl >/dev/null || missing+=(curl)
  if (( ${#missing[@]} > 0 )); then
    say "installing ${missing[*]}"
    # Package lists may be stale (a download then fails): update once and try again.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$cache_root/apt.log" 2>&1 ||
      { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$cache_root/apt.log" 2>&1; } ||
      die "apt-get install failed: $(tail -n 20 "$cache_root/apt.log")"
  fi
}

unpack() {
  local dir="$1" tmp
  tmp="$(mktemp -d "$cache_root/.ftp-servers-XXXXXX")"
  # Downloaded as root into a private folder, which apt's sandbox user could not write.
  (cd "$tmp" && { apt-get download -qq -o APT::Sandbox::User=root "${packages[@]}" >&2 ||
    { apt-get update -qq >&2 && apt-get download -qq -o APT::Sandbox::User=root "${packages[@]}" >&2; }; }) ||
    { rm -rf "$tmp"; die "apt-get download ${packages[*]} failed"; }
  mkdir -p "$tmp/root"
  for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$tmp/root"; done
  rm -f "$tmp"/*.deb
  # Complete only once renamed into place: an interrupted unpack is never taken for a finished one.
  rm -rf "$dir"
  mv "$tmp/root" "$dir"
  rmdir "$tmp"
}

check_libraries() {
  local dir="$1" bin missing
  for bin in usr/sbin/vsftpd usr/sbin/proftpd usr/sbin/pure-ftpd; do
    [[ -x "$dir/$bin" ]] || die "$dir/$bin is missing"
    missing="$(ldd "$dir/$bin" | awk '/not found/{print $1}')"
    [[ -z "$missing" ]] || die "$bin needs libraries that are not installed: $missing"
  done
}

make_users() {
  mkdir -p "$base"
  if ! id "$user" >/dev/null 2>&1; then
    useradd --home-dir "$base/home" --shell /bin/sh "$user"
  fi
  echo "$user:$user" | chpasswd
  mkdir -p "$base/home"
  chown "$user:" "$base/home"
  if ! id ftp >/dev/null 2>&1; then
    useradd --system --home-dir "$base/anon" --shell /usr/sbin/nologin ftp
  fi
  # Anonymous users read from the anonymous root, which they must not be able to write.
  local anon
  anon="$(getent passwd ftp | cut -d: -f6)"
  mkdir -p "$anon"
  chown root:root "$anon"
  chmod 755 "$anon"
  printf 'Anonymous users may read this.\n' >"$anon/welcome.txt"
  cat >/etc/pam.d/ftplog-otel-ftp <<'EOF'
# Local users of the test FTP servers (scripts/ftp-servers.sh).
auth     required pam_unix.so
account  required pam_unix.so
session  required pam_unix.so
EOF
}

setup() {
  need_root
  command -v apt-get >/dev/null || die "apt-get is not on PATH: the servers come from Debian's packages"
  mkdir -p "$cache_root"
  local dir
  if ! dir="$(cache_dir)"; then
    say "apt-get update"
    apt-get update -qq >&2
    dir="$(cache_dir)" || die "apt knows no candidate for ${packages[*]}"
  fi
  install_libraries
  if [[ ! -d "$dir" ]]; then
    say "fetching and unpacking ${packages[*]} into $dir"
    unpack "$dir"
  fi
  check_libraries "$dir"
  make_users
  echo "$dir"
}

write_configs() {
  local bin="$1" dir="$2" anon="$3"
  mkdir -p "$dir/empty" "$dir/logs"
  chmod 755 "$dir/empty"
  cat >"$dir/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$FTP_VSFTPD_PORT
background=NO
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
tcp_wrappers=NO
pam_service_name=ftplog-otel-ftp
secure_chroot_dir=$dir/empty
local_enable=YES
write_enable=YES
local_umask=022
anonymous_enable=YES
anon_root=$anon
no_anon_password=NO
xferlog_enable=YES
xferlog_std_format=YES
dual_log_enable=YES
xferlog_file=$dir/logs/vsftpd.xferlog
vsftpd_log_file=$dir/logs/vsftpd.log
pasv_min_port=40000
pasv_max_port=40999
EOF
  cat >"$dir/proftpd.conf" <<EOF
ServerName "ftplog-otel test"
ServerType standalone
DefaultServer on
DefaultAddress 127.0.0.1
Port $FTP_PROFTPD_PORT
UseIPv6 off
User nobody
Group nogroup
PidFile $dir/proftpd.pid
ScoreboardFile $dir/proftpd.scoreboard
DelayTable none
WtmpLog off
UseReverseDNS off
RequireValidShell off
AuthOrder mod_auth_unix.c
SystemLog $dir/proftpd.system.log
TransferLog $dir/logs/proftpd.xferlog
Umask 022
AllowOverwrite on
<Anonymous $anon>
  User ftp
  Group nogroup
  UserAlias anonymous ftp
  RequireValidShell off
  <Limit WRITE>
    DenyAll
  </Limit>
</Anonymous>
EOF
}

start_one() {
  local dir="$1" name="$2" port="$3"; shift 3
  "$@" >"$dir/$name.out" 2>&1 </dev/null &
  echo "FTP_${name^^}_PID=$!" >>"$dir/servers.env"
}

wait_for() {
  local dir="$1" name="$2" port="$3" pid
  pid="$(sed -n "s/^FTP_${name^^}_PID=//p" "$dir/servers.env")"
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || die "$name exited before it listened on 127.0.0.1:$port: $(tail -c 2000 "$dir/$name.out")"
    sleep 0.1
  done
  die "$name does not listen on 127.0.0.1:$port after 10 s: $(tail -c 2000 "$dir/$name.out")"
}

start() {
  need_root
  local dir="${1:?usage: ftp-servers.sh start DIR}" bin anon
  bin="$(setup)"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  anon="$(getent passwd ftp | cut -d: -f6)"
  : "${FTP_VSFTPD_PORT:=2121}" "${FTP_PROFTPD_PORT:=2122}" "${FTP_PUREFTPD_PORT:=2123}"
  write_configs "$bin" "$dir" "$anon"
  cat >"$dir/servers.env" <<EOF
FTP_USER=$user
FTP_PASSWORD=$user
FTP_HOME=$base/home
FTP_ANON_ROOT=$anon
FTP_VSFTPD_PORT=$FTP_VSFTPD_PORT
FTP_PROFTPD_PORT=$FTP_PROFTPD_PORT
FTP_PUREFTPD_PORT=$FTP_PUREFTPD_PORT
FTP_VSFTPD_XFERLOG=$dir/logs/vsftpd.xferlog
FTP_VSFTPD_LOG=$dir/logs/vsftpd.log
FTP_PROFTPD_XFERLOG=$dir/logs/proftpd.xferlog
FTP_PUREFTPD_XFERLOG=$dir/logs/pureftpd.xferlog
EOF
  start_one "$dir" vsftpd "$FTP_VSFTPD_PORT" "$bin/usr/sbin/vsftpd" "$dir/vsftpd.conf"
  start_one "$dir" proftpd "$FTP_PROFTPD_PORT" "$bin/usr/sbin/proftpd" --nodaemon --config "$dir/proftpd.conf"
  # -O xferlog: the classic transfer log; -l unix: local users from /etc/passwd; -H: client addresses, not resolved names.
  start_one "$dir" pureftpd "$FTP_PUREFTPD_PORT" "$bin/usr/sbin/pure-ftpd" -S "127.0.0.1,$FTP_PUREFTPD_PORT" -l unix -H -O "xferlog:$dir/logs/pureftpd.xferlog" -p 41000:41999 -g "$dir/pureftpd.pid"
  # One that does not come up stops the others: start leaves all three running or none.
  if ! (wait_for "$dir" vsftpd "$FTP_VSFTPD_PORT" && wait_for "$dir" proftpd "$FTP_PROFTPD_PORT" && wait_for "$dir" pureftpd "$FTP_PUREFTPD_PORT"); then
    stop "$dir"
    exit 1
  fi
  say "vsftpd on 127.0.0.1:$FTP_VSFTPD_PORT, ProFTPD on 127.0.0.1:$FTP_PROFTPD_PORT, Pure-FTPd on 127.0.0.1:$FTP_PUREFTPD_PORT; logs in $dir/logs"
}

stop() {
  local dir="${1:?usage: ftp-servers.sh stop DIR}" pid
  [[ -f "$dir/servers.env" ]] || die "$dir/servers.env not found: nothing started there"
  for pid in $(sed -n 's/^FTP_[A-Z]*_PID=//p' "$dir/servers.env"); do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $(sed -n 's/^FTP_[A-Z]*_PID=//p' "$dir/servers.env"); do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}

case "${1:-}" in
  setup) setup ;;
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  *) say "usage: ftp-servers.sh setup | start DIR | stop DIR"; exit 2 ;;
esac
