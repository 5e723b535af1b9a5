#!/usr/bin/env bash
# What the health-agent tests and benchmark need besides a JDK: headless Chromium for the status-page test,
# Prometheus blackbox_exporter as the benchmark's baseline. Debian/Ubuntu; run as root (CI) or with sudo.
set -euo pipefail
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium chromium-driver)
command -v prometheus-blackbox-exporter >/dev/null 2>&1 || [ -x /usr/bin/prometheus-blackbox-exporter ] || need+=(prometheus-blackbox-exporter)
command -v ssh-keygen >/dev/null 2>&1 || need+=(openssh-client)
if [ ${#need[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
