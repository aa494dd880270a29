"""Korean feedback texts shared by every exercise.

Kept in one place so that the same failure reads the same way in every lab, and so that tests can refer to the
headlines (the words a learner scans for) instead of copying sentences.
"""

from __future__ import annotations

# Headlines: the first words of a message. Tests and labs rely on them.
CORRECT = "정답입니다!"
NOT_ATTEMPTED = "아직 풀지 않았습니다."
WRONG = "아직 정답이 아닙니다."

HINT_FOOTER = "막히면 `ex.hint()` 로 힌트를, 그래도 막히면 `ex.solution()` 으로 참고 풀이를 보세요."

# Why each kind of failure happened, in the learner's terms.
NOT_ATTEMPTED_FUNCTION = (
    "함수 몸체가 아직 시작 코드 그대로입니다 (`raise NotImplementedError`, `...` 또는 `pass`). "
    "몸체를 채운 뒤 셀을 다시 실행하고 채점하세요."
)
NOT_ATTEMPTED_VALUE = "답 자리에 아직 `...`(또는 None)이 들어 있습니다. 숫자를 넣고 셀을 다시 실행하세요."
NOT_CALLABLE = (
    "함수가 아니라 {got} 값이 넘어왔습니다. 괄호 없이 함수 이름만 넘기세요: `ex.check(내_함수)` "
    "(`ex.check(내_함수(...))` 는 호출 결과를 넘깁니다)."
)
NOT_ATTEMPTED_CHOICE = "답 자리에 아직 `...`(또는 None)이 들어 있습니다. 답을 넣고 셀을 다시 실행하세요."
NOT_A_NUMBER = "숫자 하나(int 또는 float)를 넣어야 하는데 {got} 값이 들어왔습니다."
CALLABLE_FOR_NUMBER = "이 문제는 함수가 아니라 숫자 하나를 답으로 받습니다."
RETURNED_NONE = (
    "함수가 아무것도 반환하지 않았습니다(None). 마지막에 `return` 을 빠뜨리지 않았는지 확인하세요. ({case})"
)
RAISED = "함수 안에서 오류가 났습니다: {error}  ({case})"
WRONG_TYPE = "{what}은(는) {expected} 이어야 하는데 {got} 이(가) 반환되었습니다. ({case})"
WRONG_LENGTH = "{what}은(는) 값 {expected}개를 담아야 하는데 {got}개가 반환되었습니다. ({case})"
WRONG_SHAPE = "{what}의 모양(shape)이 {expected} 이어야 하는데 {got} 입니다. ({case})"
WRONG_DTYPE = "{what}의 dtype 이 {expected} 이어야 하는데 {got} 입니다. 입력과 같은 dtype 을 유지하세요. ({case})"
NONFINITE = "{what}에 NaN 또는 inf 가 들어 있습니다. 0으로 나누거나 값이 넘치지 않았는지 확인하세요. ({case})"
MUTATED = (
    "입력 `{arg}` 을(를) 제자리(in-place)에서 바꿨습니다. 호출한 쪽의 `{arg}` 가 망가지므로 "
    "`{arg}.mul_()` 같은 `_` 연산 대신 새 텐서를 만드세요. ({case})"
)
WRONG_VALUE = "{what}의 값이 맞지 않습니다 ({case}). 식을 한 항씩 다시 확인하세요."
TOO_BIG = "값이 너무 큽니다."
TOO_SMALL = "값이 너무 작습니다."
ALIASED = (
    "`{out}` 이(가) 입력 `{arg}` 와 같은 메모리를 씁니다(새 텐서가 아니라 `{arg}` 그 자체이거나 그 뷰입니다). 지금은 값이 맞아 보여도, "
    "다음 스텝에서 `{arg}` 가 제자리에서 바뀌면(backward 는 기울기를 덮어씁니다) `{out}` 도 함께 바뀝니다. "
    "`{arg}.clone()` 으로 복사하세요. ({case})"
)
SHOULD_RAISE = "이 경우에는 {expected} 를 내야 합니다. ({case})"
SHOULD_RAISE_OTHER = "이 경우에는 {expected} 를 내야 하는데 {error} 이(가) 났습니다. ({case})"
LIST_NOT_TENSOR = " (리스트 대신 torch.stack 등으로 텐서를 만드세요)"
PARAMS_NOT_A_LIST = "파라미터의 리스트여야 하는데 {got} 이(가) 왔습니다."
PARAMS_DICT = "dict 가 아니라 파라미터의 리스트를 반환하세요."
PARAMS_NAMES = ("파라미터 이름(str)이 아니라 파라미터 객체(nn.Parameter)를 담으세요: "
                "`for name, p in model.named_parameters()` 에서 p 를 넣습니다.")
PARAMS_FOREIGN = "리스트에 이 모델의 파라미터가 아닌 것이 들어 있습니다 (복사본이나 텐서 값 대신 파라미터 객체 그대로)."
PARAMS_TWICE = "같은 파라미터가 두 번 들어 있습니다."
META_TENSOR = "meta 장치의 텐서는 모양만 있고 값이 없습니다. 보통의 CPU 텐서를 반환하세요."
SPARSE_TENSOR = "{layout} 형식의 희소 텐서입니다. `.to_dense()` 로 보통(밀집) 텐서를 만들어 반환하세요."
NOT_CPU_TENSOR = "{device} 장치의 텐서입니다. 입력과 같은 CPU 텐서를 반환하세요(`.cpu()`)."
COMPLEX_TENSOR = "복소수 텐서입니다. 입력과 같은 실수 dtype 을 유지하세요."
NONFINITE_ANSWER = "답이 NaN 또는 inf 입니다. 유한한 숫자 하나를 넣으세요."
BEYOND_FLOAT = "답이 너무 커서 float 로 나타낼 수 없습니다(약 1.8e308 이 한계입니다). 식의 단위와 자릿수를 다시 확인하세요."
TIMEOUT = (
    "채점을 {seconds}초 만에 멈췄습니다: 답 함수가 끝나지 않습니다. 무한 루프나 `time.sleep` 이 없는지, 반복 횟수가 "
    "입력에 따라 정해지는지 확인하세요. (참고 풀이는 1초도 걸리지 않습니다.)"
)
CLEAN_TORCH = (
    "참고: 노트북에서 바꾼 torch 설정({changes})은 채점하는 동안만 기본값으로 되돌렸습니다(채점 뒤 다시 그대로입니다). "
    "채점은 늘 같은 torch 로 합니다."
)
REFERENCE_FAILED = (
    "채점기의 참고 답이 이 경우에 실패했습니다 ({error}; {case}). 여러분의 답 때문이 아닙니다: 커널을 다시 시작하고 "
    "다시 채점해 보고, 계속되면 교재 저장소에 알려 주세요."
)
NOT_INTEGER = "정수(int)로 반환해야 합니다. `/` 대신 `//` 를 쓰거나 `int(...)` 로 바꾸세요."
INTERNAL_ERROR = (
    "채점기 안에서 예상하지 못한 문제가 생겼습니다 ({error}). 답이 틀렸다는 뜻은 아닙니다: "
    "셀을 다시 실행해 보고, 계속되면 교재 저장소에 알려 주세요."
)

# Multiple-choice answers (ChoiceExercise): `item` is what each sub-question is about ("실행", "문항").
CHOICE_COUNT = "{item} {n}개에 하나씩, 보기 글자 {n}개가 필요한데 {got}개를 받았습니다."
CHOICE_MISSING = "{i}번 {item}의 답이 없습니다. 키 1~{n} 을 모두 넣으세요."
CHOICE_NOT_LETTER = "{i}번 {item}의 답은 보기 글자(str)여야 하는데 {got} 입니다."
CHOICE_WRONG_TYPE = '문자열(예: "ABCD")이나 dict 를 넣어야 하는데 {got} 이(가) 왔습니다.'
CHOICE_UNKNOWN = "{i}번 {item}의 답 {pick!r} 는 보기에 없습니다. {options} 중에서 고르세요."
CHOICE_SCORE = "{n}개 중 {right}개가 맞았습니다."

UNKNOWN_ID = "'{id}' 라는 연습 문제는 없습니다. {suggestion}"
UNKNOWN_ID_SUGGEST = "혹시 이것인가요: {ids}"
UNKNOWN_ID_ALL = "있는 문제: {ids}"
BAD_HINT_LEVEL = "힌트 단계는 1 이상의 정수여야 합니다 (받은 값: {level!r})."
LAST_HINT = "(마지막 힌트입니다. 그래도 막히면 `ex.solution()` 을 보세요.)"


def describe_type(value: object) -> str:
    """Short Korean description of what a learner handed in, e.g. `list`, `float 값`, `None`."""
    try:
        import torch

        if isinstance(value, torch.Tensor):
            return f"torch.Tensor(shape={tuple(value.shape)}, dtype={_dtype_name(value.dtype)})"
    except ImportError:  # pragma: no cover - torch is a hard dependency
        pass
    if value is None:
        return "None"
    if value is Ellipsis:
        return "`...`"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__}(길이 {len(value)})"
    return type(value).__name__


def _dtype_name(dtype: object) -> str:
    return str(dtype).replace("torch.", "torch.")


def one_line_error(error: BaseException, limit: int = 160) -> str:
    """`ValueError: 메시지` on one line: the learner sees what went wrong without a traceback wall."""
    text = str(error).strip().splitlines()
    first = text[0] if text else ""
    if len(first) > limit:
        first = first[: limit - 1] + "…"
    return f"{type(error).__name__}: {first}" if first else type(error).__name__
