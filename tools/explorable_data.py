"""`make explore-data`: write (or, with --check, verify) the precomputed grids of the site's explorable figures.

    python tools/explorable_data.py [--check] [kind ...]

Without kinds: every kind of sgd_reference.labs.explorable_data.GRIDS. The files go to book/_ext/explore_data/.
--check regenerates and compares with the committed file instead of writing (the file must come back byte for byte).

The grids are computed on torch's generic CPU path (ATEN_CPU_CAPABILITY=default, which every CPU has) with one
thread, whatever the environment says: lab 02's document-style runs are float32 as in the source document, and its
chaotic large-η runs amplify last-bit differences. Measured on lab 02's grid before pinning (with μ = 0.5 too):
8 of 192 runs differed after rounding between default and avx2 (η = 5 and 10 at 200 steps, and two float32 runs in
the 4th digit), and 2 between 1 and 2 threads on avx2 (η = 5 and 10, μ = 0.9, 200 steps).
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import time
from pathlib import Path

if os.environ.get("ATEN_CPU_CAPABILITY") != "default":  # before torch is imported: the generic path, always
    os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "ATEN_CPU_CAPABILITY": "default"})

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "book" / "_ext" / "explore_data"
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from sgd_reference.labs import explorable_data  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kinds", nargs="*", help=f"종류 (기본: 모두 — {', '.join(explorable_data.GRIDS)})")
    parser.add_argument("--check", action="store_true", help="쓰지 않고 저장된 파일과 같은지만 확인")
    args = parser.parse_args()
    unknown = [k for k in args.kinds if k not in explorable_data.GRIDS]
    if unknown:
        parser.error(f"알 수 없는 종류 {unknown}; 가능한 종류: {', '.join(explorable_data.GRIDS)}")
    torch.set_num_threads(1)
    failed = False
    for kind in args.kinds or list(explorable_data.GRIDS):
        start = time.perf_counter()
        text = explorable_data.dumps(explorable_data.generate(kind))
        path = DATA_DIR / f"{kind}.json"
        took = time.perf_counter() - start
        if args.check:
            old = path.read_text(encoding="utf-8") if path.exists() else ""
            if old == text:
                print(f"{kind}: 같음 ({len(text.encode()) / 1000:.0f} KB, {took:.0f} s)")
            else:
                failed = True
                print(f"{kind}: 다름 — {path.relative_to(ROOT)} 를 make explore-data 로 다시 만드세요")
                sys.stdout.writelines(list(difflib.unified_diff(old.splitlines(True), text.splitlines(True),
                                                                "저장된 파일", "새로 계산", n=0))[:40])
        else:
            DATA_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"{kind}: {path.relative_to(ROOT)} ({len(text.encode()) / 1000:.0f} KB, {took:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
