"""The `ko` search language indexes Hangul words by their stem, and the browser's query code strips the same way.

A search for 발산 must find pages that say 발산하면 / 발산합니다 / 발산을, and a query typed as 발산하면 must look
up the same key. The JavaScript stemmer is generated from the same rule lists; running it in node proves parity.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "book" / "_ext"))
import korean_search as ks  # noqa: E402

WORDS = ["발산하면", "발산합니다", "발산을", "발산했다", "발산하고", "발산", "학습률이", "학습률을", "모멘텀과",
         "모멘텀은", "수렴한다", "수렴합니다", "속도가", "결과를", "가중치", "미니배치의", "줄이면", "값이",
         "들어가며", "코사인", "기울기를", "과적합이", "워밍업과"]


def index_keys(text: str, lang=None) -> set[str]:
    """What Sphinx's IndexBuilder stores for ``text`` (split, stem, filter)."""
    lang = lang or ks.SearchKorean({})
    return {lang.stem(w) for w in lang.split(text) if lang.word_filter(lang.stem(w))}


@pytest.mark.parametrize("form", ["발산하면", "발산합니다", "발산을", "발산했다", "발산하고", "발산이"])
def test_inflected_forms_strip_to_the_noun(form):
    assert ks.strip_korean(form) == "발산"


@pytest.mark.parametrize("word", ["속도", "결과", "가중치", "기울기", "코사인", "값이"])
def test_words_that_only_look_inflected_are_kept(word):
    assert ks.strip_korean(word) == word


def test_sentence_is_indexed_under_stems_not_eojeol():
    keys = index_keys("학습률이 너무 크면 손실이 발산합니다. 발산을 막으려면 모멘텀과 가중치 감쇠를 조절합니다.")
    assert {"학습률", "손실", "발산", "모멘텀", "가중치", "감쇠"} <= keys
    assert "발산합니다" not in keys and "학습률이" not in keys


def test_latin_words_keep_english_stemming_and_lose_glued_particles():
    keys = index_keys("SGD는 torch.optim.SGD의 momentum을 씁니다")
    assert "sgd" in keys and "momentum" in keys
    assert "는" not in keys and "의" not in keys


def test_rule_stripper_alone_still_finds_conjugations(monkeypatch):
    lang = ks.SearchKorean({})
    lang.kiwi = None  # as when kiwipiepy fails to load
    assert {"발산", "수렴"} <= index_keys("손실이 발산하면 학습률을 줄여 수렴합니다", lang)


def test_kiwi_is_used_when_available():
    assert ks.load_kiwi() is not None, "kiwipiepy (pinned in requirements.txt) should load offline"
    stems = ks.kiwi_stems("학습률이 발산했다", ks.load_kiwi())
    assert "발산" in stems and "학습률" in stems


def test_javascript_stemmer_matches_python():
    node = shutil.which("node")
    assert node, "node is needed (it also vendors the site's JavaScript)"
    lang = ks.SearchKorean({})
    script = (lang.js_stemmer_code + lang.js_splitter_code
              + "\nconst s = new Stemmer();\n"
              + f"const words = {json.dumps(WORDS, ensure_ascii=False)};\n"
              + "console.log(JSON.stringify({stems: words.map(w => s.stemWord(w.toLowerCase())),"
              + " split: splitQuery('SGD는 발산하면 learning')}));\n")
    out = json.loads(subprocess.run([node, "-e", script], capture_output=True, text=True, check=True).stdout)
    assert out["stems"] == [lang.stem(w) for w in WORDS]
    assert out["split"] == ["SGD", "발산하면", "learning"]
