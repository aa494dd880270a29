"""Korean full-text search for the Sphinx HTML search.

Sphinx has no Korean search language and falls back to English, which indexes whole eojeol (어절): a search for
발산 then misses 발산하면, 발산합니다, 발산을. This extension registers a ``ko`` search language that

* on the Python (index) side, indexes every Hangul eojeol under its *stem* (particles and endings stripped by a
  small rule list) and, when kiwipiepy loads, also under the nouns and verb stems of a real morphological analysis;
* on the JavaScript (query) side, applies the very same rule list to the query, so 발산하면 is looked up as 발산.

The rules live in one place (``PARTICLES_AND_ENDINGS``, ``KEEP_WHOLE``) and are written into the JavaScript as
JSON, so the two sides cannot drift apart. Latin words keep Sphinx's English Porter stemming.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from sphinx.application import Sphinx
from sphinx.search.en import SearchEnglish, english_stopwords, js_porter_stemmer
from sphinx.util import logging

logger = logging.getLogger(__name__)

# Particles (조사) and verb endings (어미, also fused with 하다/되다/이다) that follow a word in running text.
# Stripped longest first, up to three times, never below two syllables.
PARTICLES_AND_ENDINGS: tuple[str, ...] = tuple(sorted({
    # 조사
    "이", "가", "은", "는", "을", "를", "의", "에", "에서", "에게", "에는", "에도", "으로", "로", "으로는", "로는",
    "와", "과", "도", "만", "까지", "부터", "보다", "처럼", "마다", "이나", "나", "이라", "라", "이라는", "라는",
    "이란", "란", "으로서", "로서", "으로써", "로써", "께서", "한테", "밖에", "조차", "마저", "든지", "이든지",
    "이며", "이고", "이면", "인", "일", "임", "입니다", "이다", "이에요", "예요", "이지만", "이므로", "이어서",
    # 하다 / 되다 / 시키다 (발산하면, 발산합니다, 수렴했다, 적용된다 ...)
    "하", "한", "할", "함", "합", "해", "했", "하고", "하는", "하면", "하며", "하여", "하지", "하게", "하기",
    "하도록", "하려면", "하면서", "한다", "한다면", "합니다", "했다", "했습니다", "해서", "해도", "해야", "했고",
    "하는지", "할까", "할수록", "하므로", "하니까", "하세요", "하자", "해요", "해진다", "하여도", "하기도",
    "된", "될", "됨", "되", "돼", "됐", "되고", "되는", "되면", "되며", "되어", "되지", "된다", "됩니다", "됐다",
    "되도록", "되기", "돼서", "되어서", "되므로", "되는지", "될까", "시키면", "시킨다", "시키는", "시켜",
    # 어미 (동사·형용사 어간 뒤: 줄이면, 커지고, 작아서 ...)
    "면", "고", "며", "서", "지", "게", "니다", "ㅂ니다", "습니다", "다", "요", "어", "아", "어서", "아서", "어도",
    "아도", "으면", "으며", "려면", "으려면", "면서", "으면서", "지만", "므로", "으므로", "니까", "으니까", "는데",
    "은데", "ㄴ다", "는다", "었다", "았다", "였다", "겠다", "기", "음",
}, key=lambda s: (-len(s), s)))

# Words that merely end like a particle (결과 is not 결 + 과). Kept whole by both sides.
KEEP_WHOLE: frozenset[str] = frozenset({
    "결과", "효과", "속도", "가속도", "정도", "각도", "온도", "밀도", "정의", "합의", "길이", "높이", "깊이",
    "차이", "사이", "평가", "경로", "비교", "과정", "단계", "크기", "기울기", "가중치", "조건수", "스텝", "에폭",
    "다음", "마지막", "처음", "문제", "예제", "이유", "사용", "자료", "요소", "노이즈", "모델", "코드", "데이터",
    "실습", "주의", "아이디어", "의미", "의도", "분기", "경사도", "하이퍼파라미터", "파라미터", "라이브러리",
    "레이어", "배치", "미니배치", "에러", "오류", "서로", "바로", "따로", "새로", "그대로", "다시", "아주", "매우",
    "모두", "함수", "확률", "비율", "학습률", "방법", "기법", "수렴", "발산", "진동", "지점", "최소", "최솟값", "코사인", "이미지", "메시지", "최고", "참고", "가지", "사인",
})

_HANGUL = "\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f"
# A token is a run of Hangul, or a run of other word characters: "SGD는" -> "SGD", "는".
_TOKEN_RE = re.compile(rf"[{_HANGUL}]+|[^\W{_HANGUL}]+")
_HANGUL_RE = re.compile(rf"[{_HANGUL}]")
_MAX_STRIPS = 3
_MIN_STEM = 2  # never strip a word below two syllables: 속도 stays 속도, 값이 stays 값이 (kiwi still finds 값)
KOREAN_STOPWORDS: frozenset[str] = frozenset({"것", "수", "등", "및", "그", "이", "저", "더", "때", "안", "못", "잘"})


def strip_korean(word: str) -> str:
    """Remove trailing particles/endings from one Hangul eojeol: 발산하면 -> 발산, 학습률을 -> 학습률.

    Mirrors ``koStripWord`` in the JavaScript below; both sides must map a word to the same key.
    """
    for _ in range(_MAX_STRIPS):
        if word in KEEP_WHOLE:
            return word
        for ending in PARTICLES_AND_ENDINGS:
            if len(word) >= len(ending) + _MIN_STEM and word.endswith(ending):
                word = word[: -len(ending)]
                break
        else:
            return word
    return word


def is_hangul(word: str) -> bool:
    return bool(_HANGUL_RE.search(word))


@lru_cache(maxsize=1)
def load_kiwi():
    """The kiwipiepy analyser (model bundled as kiwipiepy_model, no network), or None if it cannot load."""
    try:
        from kiwipiepy import Kiwi

        return Kiwi()
    except Exception as exc:  # the rule-based stripper alone still gives working search
        logger.info("korean_search: kiwipiepy unavailable (%s); using the rule-based stripper only", exc)
        return None


_NOUNISH = {"NNG", "NNP", "XR", "SL", "SH"}
_STEMS = {"VV", "VA"}


def kiwi_stems(text: str, kiwi) -> list[str]:
    """Nouns, compounds of nouns with their suffix (학습+률 -> 학습률) and verb stems found by kiwi in ``text``."""
    out: list[str] = []
    compound = ""
    compound_end = -1
    for tok in kiwi.tokenize(text):
        if tok.tag in _NOUNISH or tok.tag == "XSN":
            if tok.tag != "XSN" and is_hangul(tok.form) is False:
                compound = ""
                continue
            if tok.tag in _NOUNISH:
                out.append(tok.form)
            # glue a noun to the noun/suffix right before it in the same eojeol
            compound = compound + tok.form if compound and tok.start == compound_end else tok.form
            compound_end = tok.start + tok.len
            if compound != tok.form:
                out.append(compound)
        else:
            compound = ""
            if tok.tag in _STEMS and len(tok.form) > 1:
                out.append(tok.form)
    return [w for w in out if is_hangul(w)]


def _js_code() -> str:
    rules = json.dumps({"endings": list(PARTICLES_AND_ENDINGS), "keep": sorted(KEEP_WHOLE),
                        "maxStrips": _MAX_STRIPS, "minStem": _MIN_STEM}, ensure_ascii=False)
    porter = js_porter_stemmer.replace("var Stemmer = function", "var PorterStemmer = function", 1)
    return porter + (
        """
/** Korean: the same particle/ending stripping as book/_ext/korean_search.py (strip_korean). */
var KO_RULES = %s;
var KO_HANGUL = /[\\uac00-\\ud7a3\\u1100-\\u11ff\\u3130-\\u318f]/;
function koStripWord(word) {
  for (var n = 0; n < KO_RULES.maxStrips; n++) {
    if (KO_RULES.keep.indexOf(word) !== -1) return word;
    var stripped = false;
    for (var i = 0; i < KO_RULES.endings.length; i++) {
      var e = KO_RULES.endings[i];
      if (word.length >= e.length + KO_RULES.minStem && word.slice(-e.length) === e) {
        word = word.slice(0, -e.length); stripped = true; break;
      }
    }
    if (!stripped) return word;
  }
  return word;
}
var Stemmer = function() {
  var porter = new PorterStemmer();
  this.stemWord = function(w) { return KO_HANGUL.test(w) ? koStripWord(w) : porter.stemWord(w); };
};
"""
        % rules
    )


_JS_SPLITTER = r"""
function splitQuery(query) {
  // Hangul runs and other word runs separately ("SGD는" -> "SGD", "는"); a bare particle glued to a Latin
  // word is dropped, as the index never holds it.
  var out = [];
  query.split(/[^\p{Letter}\p{Number}_]+/u).forEach(function(chunk) {
    var parts = chunk.match(/[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]+|[^\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]+/g) || [];
    parts.forEach(function(p, i) {
      if (i > 0 && KO_HANGUL.test(p) && KO_RULES.endings.indexOf(p) !== -1) return;
      if (p) out.push(p);
    });
  });
  return out;
}
"""


class SearchKorean(SearchEnglish):
    """Search language ``ko``: Hangul stems (rules + kiwipiepy) and English Porter stems for Latin words."""

    lang = "ko"
    language_name = "Korean"
    js_stemmer_rawcode = ""
    js_stemmer_code = _js_code()
    js_splitter_code = _JS_SPLITTER
    stopwords = english_stopwords | KOREAN_STOPWORDS

    def init(self, options: dict[str, str]) -> None:
        super().init(options)
        self.kiwi = load_kiwi()

    def split(self, input: str) -> list[str]:
        words: list[str] = []
        for chunk in input.split():
            parts = _TOKEN_RE.findall(chunk)
            for i, part in enumerate(parts):
                if i > 0 and is_hangul(part) and part in PARTICLES_AND_ENDINGS:
                    continue  # "SGD는": the particle alone is not a word
                words.append(part)
        if self.kiwi is not None and _HANGUL_RE.search(input):
            words.extend(kiwi_stems(input, self.kiwi))
        return words

    def stem(self, word: str) -> str:
        if is_hangul(word):
            return strip_korean(word)
        return super().stem(word)

    def word_filter(self, word: str) -> bool:
        if is_hangul(word):
            return word not in KOREAN_STOPWORDS and word not in PARTICLES_AND_ENDINGS
        return len(word) > 1 and not word.isdigit() and word not in self.stopwords


def setup(app: Sphinx) -> dict:
    app.add_search_language(SearchKorean)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
