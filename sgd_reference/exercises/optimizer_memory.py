"""Exercise on how much memory optimizer state takes (lab 07)."""

from __future__ import annotations

from .core import Case, FunctionExercise, Mistake
from .reference import torch_optimizer_state_bytes_per_param

LAB7 = "07_sgd_vs_adam.ipynb"
OPTIMIZERS = ("sgd", "sgd_momentum", "adam")


def _cases() -> list[Case]:
    return [Case((n, opt), f"num_params={n:,}, optimizer={opt!r}") for opt in OPTIMIZERS for n in (1, 1000, 10**9)]


def _reference(n: int, optimizer: str) -> int:
    return torch_optimizer_state_bytes_per_param(optimizer) * n


def _buffers(optimizer: str) -> int:
    return {"sgd": 0, "sgd_momentum": 1, "adam": 2}[optimizer]


optimizer_state_bytes = FunctionExercise(
    id="optimizer_state_bytes",
    title="옵티마이저 상태의 메모리",
    lab=LAB7,
    signature="optimizer_state_bytes(num_params, optimizer)",
    prompt=r"""
float32 파라미터가 `num_params` 개 있습니다. 옵티마이저가 **상태(state)** 로 따로 들고 있는 메모리를 바이트 단위
int 로 반환하세요. `optimizer` 는 다음 중 하나입니다.

- `"sgd"`: `torch.optim.SGD(momentum=0)`
- `"sgd_momentum"`: `torch.optim.SGD(momentum=0.9)`
- `"adam"`: `torch.optim.Adam`

파라미터 자체와 기울기는 세지 않습니다. 원소 수에 비례하는 버퍼만 세고, Adam 이 텐서마다 하나씩 두는 스칼라
`step` 카운터는 세지 않습니다 (파라미터 수가 클 때 무시할 만큼 작습니다).
""",
    hints=[
        "각 옵티마이저가 파라미터 원소마다 float32 값을 몇 개 더 저장하는지 세어 보세요. float32 하나는 4바이트입니다.",
        "SGD(모멘텀 없음)는 상태가 없고, 모멘텀 SGD 는 속도 버퍼 하나, Adam 은 1차·2차 모멘트(exp_avg, exp_avg_sq) 두 개입니다.",
        "`{'sgd': 0, 'sgd_momentum': 1, 'adam': 2}[optimizer] * 4 * num_params`",
    ],
    solution_code='''
def optimizer_state_bytes(num_params, optimizer):
    # 파라미터 원소마다 저장하는 float32 버퍼의 개수:
    # SGD 는 없음, 모멘텀 SGD 는 속도(momentum_buffer) 하나, Adam 은 exp_avg 와 exp_avg_sq 두 개.
    buffers = {"sgd": 0, "sgd_momentum": 1, "adam": 2}[optimizer]
    bytes_per_float32 = 4
    return buffers * bytes_per_float32 * num_params
''',
    cases=_cases,
    reference=_reference,
    outputs=("bytes",),
    kinds=("int",),
    mistakes=[
        Mistake("Adam 의 스칼라 step 카운터까지 셌습니다. 이 문제는 원소 수에 비례하는 버퍼만 셉니다.",
                lambda n, o: _buffers(o) * 4 * n + (4 if o == "adam" else 0)),
        Mistake("Adam 의 스칼라 step 카운터까지 셌습니다(8바이트로). 이 문제는 원소 수에 비례하는 버퍼만 셉니다.",
                lambda n, o: _buffers(o) * 4 * n + (8 if o == "adam" else 0)),
        Mistake("파라미터 자체(또는 기울기)까지 셌습니다. 옵티마이저 *상태*만 세세요.",
                lambda n, o: (_buffers(o) + 1) * 4 * n),
        Mistake("파라미터와 기울기까지 셌습니다. 옵티마이저 *상태*만 세세요.",
                lambda n, o: (_buffers(o) + 2) * 4 * n),
        Mistake("비트 수를 셌습니다(float32 = 32비트). 바이트로는 4입니다.",
                lambda n, o: _buffers(o) * 32 * n),
        Mistake("Adam 의 버퍼를 하나만 셌습니다. Adam 은 1차 모멘트(exp_avg)와 2차 모멘트(exp_avg_sq)를 둘 다 저장합니다.",
                lambda n, o: min(_buffers(o), 1) * 4 * n),
        Mistake("원소 하나를 8바이트로 셌습니다(float64). 파라미터가 float32 이면 상태도 float32, 4바이트입니다.",
                lambda n, o: _buffers(o) * 8 * n),
        Mistake("모멘텀 SGD 의 상태를 0 으로 셌습니다. 모멘텀을 쓰면 파라미터마다 속도 버퍼를 둡니다.",
                lambda n, o: 8 * n if o == "adam" else 0),
    ],
    success="같은 모델에서 Adam 의 상태는 모멘텀 SGD 의 두 배입니다.",
)

EXERCISES = [optimizer_state_bytes]
