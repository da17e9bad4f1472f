#!/usr/bin/env bash
# Installs Debian's Chromium and a CJK font for the browser stories, poppler-utils
# (pdftotext, pdftoppm) for the tests that read the printable PDFs, and a Java runtime for the
# cross-checks' Spark jobs where none is installed. Playwright drives the system browser (its
# own browser download is not available on these machines).
set -u
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null && ! command -v java >/dev/null; then
  echo "installing a Java runtime (openjdk-17-jre-headless) with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null 2>&1 \
    || echo "apt-get could not install Java; the cross-check tests need it"
fi
if [ -x /usr/bin/chromium ] && command -v pdftotext >/dev/null && fc-list 2>/dev/null | grep -qi 'wenquanyi\|wqy'; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "installing chromium, fonts-wqy-zenhei and poppler-utils with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq chromium fonts-wqy-zenhei poppler-utils >/dev/null 2>&1 || echo "apt-get could not install chromium; browser stories will be skipped"
else
  echo "not root or no apt-get: browser stories need /usr/bin/chromium and will be skipped without it"
fi
exit 0
