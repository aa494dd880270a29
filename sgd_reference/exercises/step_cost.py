"""Exercise on the memory traffic of one optimiser step (lab 11)."""

from __future__ import annotations

from .core import Case, FunctionExercise, Mistake

LAB11 = "11_step_cost.ipynb"
# Per-parameter tensors one fused step reads and writes (sgd_reference.labs.step_cost.TRAFFIC counts the same;
# tests/test_step_cost.py checks that the two agree).
READS = {"sgd": 2, "sgd_momentum": 3, "sgd_momentum_wd": 3, "adam": 4}  # θ, g (+ v) (+ m, s)
WRITES = {"sgd": 1, "sgd_momentum": 2, "sgd_momentum_wd": 2, "adam": 3}  # θ (+ v) (+ m, s)
OP_BY_OP = {"sgd": 3, "sgd_momentum": 8, "sgd_momentum_wd": 11, "adam": 18}  # torch's for-loop, tensors per parameter


def _cases() -> list[Case]:
    return [Case((config, b), f"config={config!r}, element_bytes={b}") for config in READS for b in (4, 2, 8)]


def _reference(config: str, element_bytes: int) -> int:
    return (READS[config] + WRITES[config]) * element_bytes


step_bytes_per_param = FunctionExercise(
    id="step_bytes_per_param",
    title="SGD 한 스텝이 옮기는 바이트",
    lab=LAB11,
    signature="step_bytes_per_param(config, element_bytes)",
    prompt=r"""
옵티마이저 한 스텝이 파라미터 **하나당** 메모리에서 최소 몇 바이트를 읽고 써야 하는지 int 로 반환하세요.
`element_bytes` 는 원소 하나의 바이트 수(float32 는 4, bfloat16 은 2, float64 는 8)이고, `config` 는 다음 중 하나입니다.

- `"sgd"`: 모멘텀 없는 SGD, $\theta \leftarrow \theta - \eta g$
- `"sgd_momentum"`: 모멘텀 SGD, $v \leftarrow \mu v + g,\ \theta \leftarrow \theta - \eta v$
- `"sgd_momentum_wd"`: 가중치 감쇠를 더한 모멘텀 SGD, $g \leftarrow g + \lambda\theta$ 를 먼저 합니다
- `"adam"`: Adam (1차 모멘트 $m$, 2차 모멘트 $s$)

가정: 텐서들이 캐시보다 훨씬 크고, 구현은 텐서마다 **한 번에**(fused) 필요한 값을 모두 읽고 결과를 씁니다. 기울기 $g$ 는
역전파가 이미 메모리에 써 두었으니 읽기만 하고, 스칼라(η, μ, λ, 스텝 수)는 세지 않습니다.
""",
    hints=[
        "스텝이 읽어야 하는 텐서와 새 값을 써야 하는 텐서를 나눠 세고, 더한 개수에 element_bytes 를 곱하세요.",
        "모멘텀 SGD 는 θ, g, v 를 읽고 v, θ 를 씁니다. 가중치 감쇠의 λθ 는 이미 읽은 θ 로 계산합니다. "
        "Adam 은 θ, g, m, s 를 읽고 m, s, θ 를 씁니다.",
        "`{'sgd': 3, 'sgd_momentum': 5, 'sgd_momentum_wd': 5, 'adam': 7}[config] * element_bytes`",
    ],
    solution_code='''
def step_bytes_per_param(config, element_bytes):
    # 읽는 텐서 + 쓰는 텐서의 개수 (파라미터 하나당 원소 하나씩):
    # SGD: θ, g 를 읽고 θ 를 씀 → 3
    # 모멘텀 SGD (+ 가중치 감쇠): θ, g, v 를 읽고 v, θ 를 씀 → 5 (λθ 는 이미 읽은 θ 로 계산)
    # Adam: θ, g, m, s 를 읽고 m, s, θ 를 씀 → 7
    tensors = {"sgd": 3, "sgd_momentum": 5, "sgd_momentum_wd": 5, "adam": 7}[config]
    return tensors * element_bytes
''',
    cases=_cases,
    reference=_reference,
    outputs=("bytes",),
    kinds=("int",),
    mistakes=[
        Mistake("읽는 바이트만 셌습니다. 스텝은 새 θ(와 v, m, s)를 메모리에 다시 써야 하고, 쓰기도 대역폭을 씁니다.",
                lambda c, b: READS[c] * b),
        Mistake("θ 만 다시 쓰고 상태(v 또는 m, s)는 쓰지 않았습니다. 상태도 스텝마다 새 값으로 바뀌므로 써야 합니다.",
                lambda c, b: (READS[c] + 1) * b),
        Mistake("가중치 감쇠의 λθ 때문에 θ 를 한 번 더 읽었습니다. 한 번에 계산하는 구현은 이미 읽은 θ 를 씁니다.",
                lambda c, b: (READS[c] + WRITES[c] + (c == "sgd_momentum_wd")) * b),
        Mistake("torch 의 for 루프처럼 연산마다 텐서를 따로 읽고 쓰는 양을 셌습니다. 문제는 한 번에 계산할 때의 최소량입니다.",
                lambda c, b: OP_BY_OP[c] * b),
        Mistake("비트 수를 셌습니다. 원소 하나는 element_bytes 바이트입니다(8을 곱하지 마세요).",
                lambda c, b: (READS[c] + WRITES[c]) * b * 8),
        Mistake("원소 크기를 늘 4바이트로 두었습니다. element_bytes 를 곱하세요.",
                lambda c, b: (READS[c] + WRITES[c]) * 4),
        Mistake("Adam 의 상태를 하나(m)만 셌습니다. Adam 은 1차 모멘트 m 과 2차 모멘트 s 를 둘 다 읽고 씁니다.",
                lambda c, b: (5 if c == "adam" else READS[c] + WRITES[c]) * b),
        Mistake("기울기 g 를 쓰는 양까지 셌습니다. g 는 역전파가 이미 썼고, 스텝은 읽기만 합니다.",
                lambda c, b: (READS[c] + WRITES[c] + 1) * b),
    ],
    success="모멘텀 SGD 는 파라미터 하나에 5번, Adam 은 7번 메모리를 오갑니다. 큰 모델에서 스텝 시간은 이 양과 대역폭이 정합니다.",
)

EXERCISES = [step_bytes_per_param]
