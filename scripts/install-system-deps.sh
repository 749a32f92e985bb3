#!/usr/bin/env bash
# Install the Debian packages the test suite needs (skipped when already present):
#   postgresql   a real PostgreSQL server for the storage tests (tests/postgres.py starts
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
