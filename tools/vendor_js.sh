#!/usr/bin/env bash
# Fetch the JavaScript the site serves itself (MathJax 3, require.js, the ipywidgets html-manager) from npm,
# pinned by tools/vendor/package-lock.json, and copy only the files pages load into book/_vendor/vendor/.
# _config.yml serves book/_vendor through html_extra_path, so they end up at _build/html/vendor/.
# axe-core (the accessibility test's rules engine) goes to tests/site/_vendor/, never into the site.
# Idempotent: skipped when the copy exists and was made from the same lock file. See tools/vendor/README.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/tools/vendor"
out="$root/book/_vendor"
dest="$out/vendor"
stamp="$out/.lock.sha256"
test_dest="$root/tests/site/_vendor"

lock_sum="$(sha256sum "$src/package-lock.json" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$lock_sum" \
      && -f "$dest/mathjax/es5/tex-mml-chtml.js" && -f "$dest/requirejs/require.js" \
      && -f "$dest/html-manager/dist/embed-amd.js" && -f "$test_dest/axe-core/axe.min.js" ]]; then
  echo "vendor_js: book/_vendor is up to date (lock unchanged); nothing to do."
  exit 0
fi

command -v npm >/dev/null || { echo "vendor_js: npm not found; install Node.js (Debian: apt-get install npm)." >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$src/package.json" "$src/package-lock.json" "$work/"
echo "vendor_js: npm ci (from tools/vendor/package-lock.json) ..."
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

nm="$work/node_modules"
rm -rf "$out" "$test_dest"
mkdir -p "$dest/mathjax/es5" "$dest/requirejs" "$dest/html-manager/dist" "$test_dest/axe-core"
# MathJax: the combined component plus what it loads lazily (output/chtml/fonts, input/*, a11y, ui, ...).
cp -r "$nm/mathjax/es5/." "$dest/mathjax/es5/"
cp "$nm/mathjax/LICENSE" "$nm/mathjax/package.json" "$dest/mathjax/"
cp "$nm/requirejs/require.js" "$nm/requirejs/package.json" "$dest/requirejs/"
# html-manager: embed-amd.js (what myst-nb loads) + the webpack chunks/fonts it references; no source maps.
find "$nm/@jupyter-widgets/html-manager/dist" -maxdepth 1 -type f ! -name '*.map' -exec cp {} "$dest/html-manager/dist/" \;
# Licences: the npm packages carry them in package.json ("license"); tools/vendor/README.md lists them.
cp "$nm/@jupyter-widgets/html-manager/package.json" "$dest/html-manager/"
# axe-core: the one-file build the test injects into each page (tests/site/test_accessibility.py).
cp "$nm/axe-core/axe.min.js" "$nm/axe-core/package.json" "$nm/axe-core/LICENSE" "$test_dest/axe-core/"

for f in mathjax/es5/tex-mml-chtml.js mathjax/es5/output/chtml/fonts/woff-v2 requirejs/require.js html-manager/dist/embed-amd.js; do
  [[ -e "$dest/$f" ]] || { echo "vendor_js: expected $f missing after npm ci" >&2; exit 1; }
done
[[ -f "$test_dest/axe-core/axe.min.js" ]] || { echo "vendor_js: axe-core/axe.min.js missing after npm ci" >&2; exit 1; }
echo "$lock_sum" > "$stamp"
echo "vendor_js: vendored into book/_vendor/vendor ($(du -sh "$dest" | cut -f1)) and tests/site/_vendor ($(du -sh "$test_dest" | cut -f1))."
