"""The two cells every lab starts with, generated from `_config.yml` so the repository URL has one home."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def repository() -> tuple[str, str]:
    """(url, branch) from `_config.yml`'s `repository:` section."""
    import yaml  # PyYAML comes with jupyter-book

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repo = config.get("repository") or {}
    url, branch = str(repo.get("url", "")).rstrip("/"), str(repo.get("branch", "main"))
    if not url.startswith("https://github.com/"):
        raise SystemExit(f"_config.yml repository.url 은 https://github.com/OWNER/REPO 형식이어야 합니다: {url!r}")
    return url, branch


def colab_url(notebook: str) -> str:
    url, branch = repository()
    return f"https://colab.research.google.com/github/{url.removeprefix('https://github.com/')}/blob/{branch}/labs/{notebook}"


def badge_markdown(notebook: str) -> str:
    return (f"[▶ Colab에서 열기]({colab_url(notebook)}) · "
            "로컬에서는 저장소 루트에서 `make lab` 을 실행한 뒤 JupyterLab에서 이 파일을 여세요.")


def install_line() -> str:
    url, branch = repository()
    return f'%pip install -q "sgd_reference[labs] @ git+{url}@{branch}"'


def bootstrap_source() -> str:
    return (
        "# 실습 준비: sgd_reference가 없을 때(예: Colab의 새 런타임)만 설치합니다. 이미 있으면 아무것도 하지 않습니다.\n"
        "import importlib.util\n"
        "\n"
        "if importlib.util.find_spec(\"sgd_reference\") is None:\n"
        f"    {install_line()}"
    )


def colab_cell(notebook: str):
    """The lab's first cell: its Colab link (tag `colab-link`, rewritten by `make sync-url`)."""
    import nbformat

    return nbformat.v4.new_markdown_cell(badge_markdown(notebook), metadata={"tags": ["colab-link"]})


def bootstrap_cell():
    """The lab's first code cell (tag `bootstrap`): installs sgd_reference only where it is missing."""
    import nbformat

    return nbformat.v4.new_code_cell(bootstrap_source(), metadata={"tags": ["bootstrap"]})
