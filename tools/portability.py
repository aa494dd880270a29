"""`make test-portability`: the stored and printed numbers must be the same on every CPU kernel path a learner may get.

Torch picks its CPU kernels by machine (``ATEN_CPU_CAPABILITY``: the generic ``default`` path, AVX2, AVX-512) and the
thread count changes reduction orders too. For every path this CPU can run x 1 and 2 threads this script
- runs nbval (strict) over every lab: the committed outputs must come back exactly, and
- executes every chapter's code cells (as the book build does) and compares their text outputs with the first run.
It prints one line per combination and exits non-zero on any difference.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
THREADS = (1, 2)


def capabilities() -> list[str]:
    """The kernel paths this CPU can run: ``default`` always, AVX2 and AVX-512 where its flags say so."""
    flags = set()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("flags"):
                flags.update(line.split(":", 1)[1].split())
                break
    paths = ["default"]
    if {"avx2", "fma"} <= flags:
        paths.append("avx2")
    if {"avx512f", "avx512bw", "avx512vl", "avx512dq"} <= flags:
        paths.append("avx512")
    return paths


def environment(capability: str, threads: int) -> dict[str, str]:
    env = dict(os.environ, ATEN_CPU_CAPABILITY=capability, OMP_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads), PYTHONHASHSEED="0")
    return env


def chapter_outputs(names: list[str] | None = None) -> dict[str, list[str]]:
    """Text outputs of every chapter's code cells, executed in the chapter's folder as myst-nb does at build time."""
    import nbformat
    from myst_nb.core.read import read_myst_markdown_notebook
    from nbclient import NotebookClient

    outputs = {}
    for path in sorted((ROOT / "book").glob("*.md")):
        if names and path.name not in names:
            continue
        notebook = read_myst_markdown_notebook(path.read_text(encoding="utf-8"), path=str(path))
        if not any(cell.cell_type == "code" for cell in notebook.cells):
            continue
        notebook = nbformat.from_dict(notebook)
        NotebookClient(notebook, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        outputs[path.name] = text_outputs(notebook)
    return outputs


def text_outputs(notebook) -> list[str]:
    """What a reader reads in a notebook's outputs (figures are compared through the numbers printed beside them)."""
    texts = []
    for index, cell in enumerate(cell for cell in notebook["cells"] if cell["cell_type"] == "code"):
        # One entry per cell: how a print's stream is chunked into outputs depends on timing, not on the numbers.
        text = "".join(_joined(output.get("text", "")) + "".join(_joined(output.get("data", {}).get(kind, ""))
                                                               for kind in ("text/plain", "text/html", "text/markdown"))
                       for output in cell.get("outputs", []))
        if text:
            texts.append(f"[코드 셀 {index + 1}] {text}")
    return texts


def _joined(text) -> str:
    return "".join(text) if isinstance(text, list) else text


def built_chapter_outputs() -> dict[str, list[str]]:
    """The chapters' outputs as the book build executed them on this machine's own kernels (_build/jupyter_execute)."""
    built = ROOT / "_build" / "jupyter_execute" / "book"
    if not built.is_dir():
        raise SystemExit(f"{built} 이 없습니다: 먼저 make book 을 실행하세요.")
    return {path.with_suffix(".md").name: text_outputs(json.loads(path.read_text(encoding="utf-8")))
            for path in sorted(built.glob("*.ipynb"))}


def compare_with_build() -> int:
    """`make test`: the chapters run again on this process's kernel path must print what the book build printed."""
    built, now = built_chapter_outputs(), chapter_outputs()
    differing = [name for name in sorted(set(built) | set(now)) if built.get(name, []) != now.get(name, [])]
    capability = os.environ.get("ATEN_CPU_CAPABILITY", "(이 CPU 기본)")
    for name in differing:
        changed = [(a, b) for a, b in zip(built.get(name, []), now.get(name, [])) if a != b][:1]
        print(f"{name}: 빌드한 출력과 ATEN_CPU_CAPABILITY={capability} 의 출력이 다릅니다 {changed}")
    print(f"장 {len(now)}개의 출력이 ATEN_CPU_CAPABILITY={capability} 에서 "
          + ("빌드와 같습니다." if not differing else f"{len(differing)}개 다릅니다."))
    return 1 if differing else 0


def run_chapters(env: dict[str, str]) -> dict[str, list[str]]:
    result = subprocess.run([sys.executable, __file__, "--chapters"], env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"장 실행 실패:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout)


def run_labs(env: dict[str, str]) -> bool:
    command = [sys.executable, "-m", "pytest", "--nbval", "labs", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg",
               "-q", "-p", "no:cacheprovider", "-n", "2", "--dist", "loadfile"]
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    tail = [line for line in result.stdout.splitlines() if line.strip()][-12:]
    if result.returncode != 0:
        print("\n".join("    " + line for line in tail))
    return result.returncode == 0


def main() -> int:
    matrix = [(capability, threads) for capability in capabilities() for threads in THREADS]
    print(f"CPU 커널 경로 {', '.join(capabilities())} x 스레드 {THREADS}: {len(matrix)}가지 조합")
    reference, failures, start = None, 0, time.perf_counter()
    for capability, threads in matrix:
        began = time.perf_counter()
        env = environment(capability, threads)
        labs_ok = run_labs(env)
        chapters = run_chapters(env)
        if reference is None:
            reference, chapters_ok, differing = chapters, True, []
        else:
            differing = [name for name in reference if reference[name] != chapters.get(name)]
            chapters_ok = not differing
        failures += (not labs_ok) + (not chapters_ok)
        print(f"ATEN_CPU_CAPABILITY={capability:8s} 스레드 {threads}: 실습 nbval {'통과' if labs_ok else '실패'}, "
              f"장 출력 {'같음' if chapters_ok else '다름: ' + ', '.join(differing)} ({time.perf_counter() - began:.0f} s)")
    print(f"전체 {time.perf_counter() - start:.0f} s, 실패 {failures}건")
    return 1 if failures else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--chapters"]:  # optionally followed by chapter file names, e.g. 06_weight_decay.md
        print(json.dumps(chapter_outputs(sys.argv[2:]), ensure_ascii=False))
        sys.exit(0)
    if sys.argv[1:] == ["--chapters-against-build"]:
        sys.exit(compare_with_build())
    sys.exit(main())
