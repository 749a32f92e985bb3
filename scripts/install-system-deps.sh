#!/usr/bin/env bash
# System packages, installed only when missing.
#
# scripts/install-system-deps.sh --run   (make run) what running the coach's voice needs:
#   PortAudio (sound: the sounddevice module) and espeak-ng (the offline fallback voice).
#   Installed with apt-get or dnf when root (or with sudo when it needs no password);
#   otherwise the missing packages and the command that installs them are named, and the
#   run goes on: the text coach (REST, web chat, terminal, messaging) needs neither.
#
# scripts/install-system-deps.sh         (make test) the Debian packages the tests need:
#   postgresql   a real PostgreSQL server for the storage tests (tests/support/postgres.py starts
#                a private throwaway cluster; the system service is not used)
#   pulseaudio, pulseaudio-utils, libasound2-plugins, alsa-utils, libportaudio2
#                a private PulseAudio daemon with null sinks: the real audio path of the
#                voice tests (tests/voice/pulse.py), through PortAudio (sounddevice)
#   espeak-ng    the offline fallback speech engine
#   libsndfile1  audio file decoding (soundfile)
#   sox          measuring and converting audio in tests and benchmarks
#   chromium     the browser the web chat tests drive through Playwright (tests/web/)
#   nodejs, npm  only where npm is missing: the web chat page's packages (npm ci --prefix web)
#   redis-server, nginx
#                the scaled topology (operations/topology.py): Redis lock store, nginx in
#                front of several Rasa instances (tests/topology/, the benchmark)
set -euo pipefail

installed() {
    if command -v dpkg-query >/dev/null 2>&1; then
        dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
    elif command -v rpm >/dev/null 2>&1; then
        rpm -q "$1" >/dev/null 2>&1
    else
        return 1
    fi
}

run_deps() {
    local manager="" missing=() pkg
    if command -v apt-get >/dev/null 2>&1; then
        manager=apt-get
        for pkg in libportaudio2 espeak-ng; do installed "$pkg" || missing+=("$pkg"); done
    elif command -v dnf >/dev/null 2>&1; then
        manager=dnf
        for pkg in portaudio espeak-ng; do installed "$pkg" || missing+=("$pkg"); done
    else
        command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
        [ "$(uname -s)" = Darwin ] && missing+=(portaudio)
        if [ ${#missing[@]} -gt 0 ]; then
            echo "note: the voice coach needs PortAudio and espeak-ng (macOS: brew install" \
                "portaudio espeak-ng); the text coach runs without them." >&2
        fi
        return 0
    fi
    [ ${#missing[@]} -eq 0 ] && return 0
    local as_root=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            as_root=(sudo -n)
        else
            echo "note: the voice coach (make walk) needs ${missing[*]}, which are not" \
                "installed; install them with: sudo $manager install -y ${missing[*]}" \
                "(the text coach runs without them)" >&2
            return 0
        fi
    fi
    echo "==> Installing system packages for the voice coach: ${missing[*]}"
    local failed=0
    if [ "$manager" = apt-get ]; then
        "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
            "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
                --no-install-recommends "${missing[@]}" >/dev/null || failed=1
    else
        "${as_root[@]}" dnf install -y -q "${missing[@]}" || failed=1
    fi
    if [ $failed -ne 0 ]; then
        echo "warning: could not install ${missing[*]} ($manager failed); the voice coach" \
            "needs them, the text coach does not" >&2
    fi
    return 0
}

case "${1:-}" in
    --run) run_deps; exit 0 ;;
    "") ;;
    *) echo "usage: $0 [--run]" >&2; exit 2 ;;
esac

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
for pkg in pulseaudio pulseaudio-utils libasound2-plugins alsa-utils libportaudio2 espeak-ng \
    libsndfile1 sox chromium redis-server nginx; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done

[ ${#missing[@]} -eq 0 ] && exit 0
echo "==> Installing system packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
        echo "error: need root to install: ${missing[*]} (apt-get install ${missing[*]})" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
${SUDO:-} apt-get update -qq
${SUDO:-} apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
