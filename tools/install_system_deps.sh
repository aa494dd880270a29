#!/usr/bin/env bash
# Debian packages the browser tests and the book's PDF need: Chromium (driven by Playwright via /usr/bin/chromium),
# a Hangul font, and poppler-utils (pdftotext, pdffonts, pdfimages, pdftoppm read the PDF back in the tests).
# g++: torch.compile (Inductor) compiles sgd_reference.SGD(fused=True)'s step at run time (lab 11, tests/test_fused.py).
# apt-get runs only when one is missing (then `apt-get update` first). Root runs apt directly, others via sudo.
set -euo pipefail
packages=(chromium fonts-nanum poppler-utils g++)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "system-deps: ${packages[*]} already installed."
  exit 0
fi
if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo env DEBIAN_FRONTEND=noninteractive)
else
  echo "system-deps: missing ${missing[*]}, and not root and no sudo: install them with apt-get as root." >&2
  exit 1
fi
command -v apt-get >/dev/null 2>&1 || { echo "system-deps: apt-get not found (Debian/Ubuntu needed) for ${missing[*]}." >&2; exit 1; }
echo "system-deps: installing ${missing[*]} ..."
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" apt-get install -y -q "${missing[@]}"
for p in "${missing[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || { echo "system-deps: $p still not installed." >&2; exit 1; }
done
echo "system-deps: installed ${missing[*]}."
