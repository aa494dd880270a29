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
    """Install only where missing, then check the import: a failed `%pip` does not raise, so the check must."""
    return (
        "# 실습 준비: sgd_reference가 없을 때(예: Colab의 새 런타임)만 설치합니다. 이미 있으면 아무것도 하지 않습니다.\n"
        "import importlib.util\n"
        "\n"
        "if importlib.util.find_spec(\"sgd_reference\") is None:\n"
        f"    {install_line()}\n"
        "    importlib.invalidate_caches()\n"
        "    try:\n"
        "        import sgd_reference\n"
        "    except ImportError:\n"
        "        class LabSetupError(Exception):\n"
        "            _render_traceback_ = lambda self: [str(self)]  # 추적 정보 없이 이 안내만 보여 줍니다\n"
        f"        raise LabSetupError({SETUP_FAILED!r}) from None"
    )


# What the learner reads when the install failed: what happened and what to do (README: "저장소 주소 바꾸기").
SETUP_FAILED = ("실습 준비 실패: sgd_reference를 설치하지 못했습니다(pip의 오류는 바로 위에 있습니다). "
                "인터넷 연결과 설치 줄의 저장소 주소를 확인하세요. 주소는 저장소의 _config.yml(repository.url)에 있고, "
                "바꾸는 법은 README의 '저장소 주소 바꾸기'에 있습니다. 고친 뒤 이 칸을 다시 실행하세요. "
                "아래 칸들은 이 준비가 끝나야 동작합니다.")
