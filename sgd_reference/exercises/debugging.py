"""Exercises on debugging a run: gradient norm, clipping, reading symptoms (lab 09)."""

from __future__ import annotations

import torch

from .choice import ChoiceExercise
from .core import Case, FunctionExercise, Mistake, randn, seeded
from .reference import torch_clip_grad_norm, torch_global_grad_norm

LAB9 = "09_debugging.ipynb"


def _grad_lists(seed: int) -> list[tuple[list[torch.Tensor], str]]:
    g = seeded(seed)
    return [
        ([randn(g, 3, 4) * 2, randn(g, 5) * 2], "텐서 2개 (3, 4), (5,), 큰 기울기"),
        ([randn(g, 4) * 0.01, randn(g, 2, 2) * 0.01, randn(g, 3) * 0.01], "텐서 3개, 작은 기울기"),
        ([randn(g, 6) * 1e-4, randn(g, 2, 3) * 1e-4], "텐서 2개, 아주 작은 기울기"),
        ([randn(g, 10) * 3], "텐서 1개 (10,)"),
    ]


def _norms(grads):
    return torch.stack([t.norm() for t in grads])


def _clip_cases() -> list[Case]:
    lists = _grad_lists(909)
    max_norms = [1.0, 1.0, 1e-4, 5.0]  # case 3 sits just above max_norm, where eps matters
    return [Case((grads, m), f"{desc}, max_norm={m:g}") for (grads, desc), m in zip(lists, max_norms)]


def _scale_all(grads, coef):
    return [t * coef for t in grads]


def _clip_with(norm_fn, eps=1e-6, always=False):
    def clip(grads, max_norm):
        total = float(norm_fn(grads))
        coef = max_norm / (total + eps)
        return _scale_all(grads, coef if always else min(coef, 1.0))
    return clip


def _global(grads):
    return _norms(grads).norm()


def _per_tensor(grads, max_norm):
    return [t * min(max_norm / (float(t.norm()) + 1e-6), 1.0) for t in grads]


clip_grad_norm = FunctionExercise(
    id="clip_grad_norm",
    title="기울기 클리핑 (전체 노름 기준)",
    lab=LAB9,
    signature="clip_grad_norm(grads, max_norm)",
    prompt=r"""
`torch.nn.utils.clip_grad_norm_` 처럼 기울기를 클리핑해서, 클리핑된 기울기의 **리스트**를 반환하세요.

1. 모든 텐서를 하나로 이어 붙인 벡터의 L2 노름(전체 노름) $\|g\|$ 를 구합니다.
2. 계수 $c = \text{max\_norm} / (\|g\| + 10^{-6})$ 를 구하고, $c < 1$ 일 때만 모든 기울기에 $c$ 를 곱합니다.

`grads` 는 텐서의 리스트입니다 (제자리에서 바꿔도 됩니다).
""",
    hints=[
        "모든 텐서가 **같은 계수 하나**로 줄어듭니다. 그래야 기울기의 방향이 바뀌지 않습니다.",
        r"전체 노름은 $\sqrt{\sum_i \|g_i\|^2}$: `torch.stack([g.norm() for g in grads]).norm()`. "
        "노름이 max_norm 보다 작으면 그대로 둡니다.",
        "`coef = max_norm / (total + 1e-6)`; `coef < 1` 이면 `[g * coef for g in grads]`, 아니면 `list(grads)`.",
    ],
    solution_code='''
import torch


def clip_grad_norm(grads, max_norm):
    # 전체 노름: 텐서별 노름들의 노름 = 모두 이어 붙인 벡터의 L2 노름.
    total = torch.stack([g.norm() for g in grads]).norm()
    # PyTorch 처럼 분모에 1e-6 을 더해 0 으로 나누는 일을 막습니다.
    coef = max_norm / (total + 1e-6)
    if coef < 1:
        # 모든 텐서에 같은 계수를 곱해야 기울기 방향이 그대로입니다.
        return [g * coef for g in grads]
    # 노름이 이미 max_norm 이하이면 건드리지 않습니다.
    return list(grads)
''',
    cases=_clip_cases,
    reference=torch_clip_grad_norm,
    outputs=("clipped_grads",),
    kinds=("tensors",),
    mutable=("grads",),
    rtol=1e-5,
    atol=1e-10,
    mistakes=[
        Mistake("텐서마다 따로 클리핑했습니다(per-tensor). clip_grad_norm_ 은 모든 기울기를 합친 전체 노름 하나로 같은 계수를 곱합니다.",
                _per_tensor),
        Mistake("노름이 max_norm 보다 작을 때도 계수를 곱했습니다: 작은 기울기를 키우고 있습니다. 계수가 1보다 작을 때만 줄입니다.",
                _clip_with(_global, always=True)),
        Mistake("분모의 eps(1e-6)를 빠뜨렸습니다. PyTorch 는 max_norm / (노름 + 1e-6) 을 씁니다: 노름이 아주 작을 때 차이가 드러납니다.",
                _clip_with(_global, eps=0.0)),
        Mistake("L2 노름이 아니라 L1 노름(절댓값의 합)을 썼습니다.",
                _clip_with(lambda gs: sum(float(t.abs().sum()) for t in gs))),
        Mistake("노름에서 제곱근을 빠뜨렸습니다(제곱합을 그대로 썼습니다).",
                _clip_with(lambda gs: sum(float((t * t).sum()) for t in gs))),
        Mistake("값 단위로 잘랐습니다(clamp, clip_grad_value_). 노름 클리핑은 모든 원소에 같은 계수를 곱해 방향을 지킵니다.",
                lambda grads, m: [t.clamp(-m, m) for t in grads]),
        Mistake("텐서별 노름의 합을 전체 노름으로 썼습니다. 전체 노름은 제곱합의 제곱근입니다.",
                _clip_with(lambda gs: float(_norms(gs).sum()))),
    ],
)


def _norm_cases() -> list[Case]:
    return [Case((grads,), desc) for grads, desc in _grad_lists(919)]


grad_norm = FunctionExercise(
    id="grad_norm",
    title="전체 기울기 노름",
    lab=LAB9,
    signature="grad_norm(grads)",
    prompt=r"""
학습 중에 로깅할 **전체 기울기 노름**을 구하세요: 텐서 리스트 `grads` 를 모두 이어 붙인 벡터의 L2 노름
(`clip_grad_norm_` 이 반환하는 값)입니다. float (또는 원소 하나짜리 텐서)로 반환하세요.
""",
    hints=[
        "텐서별 노름을 더하면 안 됩니다. 먼저 모든 원소의 제곱을 더합니다.",
        r"$\sqrt{\sum_i \|g_i\|^2}$: 텐서별 노름을 제곱해서 더한 뒤 제곱근.",
        "`torch.stack([g.norm() for g in grads]).norm().item()`",
    ],
    solution_code='''
import torch


def grad_norm(grads):
    # 텐서별 L2 노름을 모아 다시 L2 노름을 구하면, 전부 이어 붙인 벡터의 L2 노름과 같습니다.
    return torch.stack([g.norm() for g in grads]).norm().item()
''',
    cases=_norm_cases,
    reference=torch_global_grad_norm,
    outputs=("norm",),
    kinds=("float",),
    rtol=1e-5,
    atol=1e-12,
    mistakes=[
        Mistake("텐서별 노름을 더했습니다. 전체 노름은 제곱합의 제곱근이라 그보다 작습니다.",
                lambda gs: float(_norms(gs).sum())),
        Mistake("텐서별 노름 중 가장 큰 값만 썼습니다. 모든 텐서를 합친 노름을 구하세요.",
                lambda gs: float(_norms(gs).max())),
        Mistake("제곱근을 빠뜨렸습니다(제곱합을 그대로 반환).",
                lambda gs: float((_norms(gs) ** 2).sum())),
        Mistake("L2 가 아니라 L1 노름(절댓값의 합)입니다.",
                lambda gs: float(sum(t.abs().sum() for t in gs))),
        Mistake("텐서별 노름의 평균을 썼습니다. 모든 텐서를 합친 노름을 구하세요.",
                lambda gs: float(_norms(gs).mean())),
        Mistake("텐서별 노름의 리스트를 반환했습니다. 그것들을 하나의 전체 노름으로 합치세요.",
                lambda gs: [float(t.norm()) for t in gs]),
    ],
)


# --- reading a run ------------------------------------------------------------------------------------------

CAUSES = {
    "A": ("학습률 과대, 워밍업 없음", "초반부터 손실이 폭발(급등, NaN)하는 모습"),
    "B": ("가중치 감쇠/데이터 증강 부족", "학습 손실은 줄지만 검증 성능이 정체하는 모습"),
    "C": ("모멘텀 과대 또는 배치가 너무 작음", "스텝마다 손실이 심하게 진동하는 모습"),
    "D": ("학습률 과소 또는 스케줄러 미사용", "손실이 아주 느리게만 줄어드는 모습"),
}
RUNS = [
    "학습률 1e-5, 스케줄러 없이 100 에폭을 돌렸는데 손실이 처음부터 끝까지 아주 조금씩만 줄어듭니다.",
    "학습률 1.0 으로 워밍업 없이 시작했더니 처음 몇십 스텝 만에 손실이 치솟고 NaN 이 됩니다.",
    "momentum=0.99, 배치 크기 8 로 학습하니 스텝마다 손실이 크게 오르내립니다. 이동 평균도 잘 내려가지 않습니다.",
    "weight_decay=0, 데이터 증강 없이 학습했더니 학습 손실은 계속 줄지만 검증 정확도는 10 에폭부터 제자리입니다.",
]
_ANSWER = "DACB"


def _prompt() -> str:
    causes = "\n".join(f"- **{k}**: {v[0]}" for k, v in CAUSES.items())
    runs = "\n".join(f"{i}. {r}" for i, r in enumerate(RUNS, 1))
    return f"""
아래 네 실행 기록을 읽고, 각각의 가장 흔한 원인을 '증상 → 원인' 표의 보기에서 고르세요.

원인 보기:
{causes}

실행 기록:
{runs}

답은 실행 1~4 의 보기를 차례로 이은 문자열(예: `answer = "ABCD"`; 공백·쉼표는 무시)이나
dict(예: `answer = {{1: "A", 2: "B", 3: "C", 4: "D"}}`)로 넣으세요. 같은 보기를 여러 번 골라도 됩니다.
"""


diagnose_run = ChoiceExercise(
    id="diagnose_run",
    title="실행 기록 진단하기",
    lab=LAB9,
    prompt=_prompt(),
    hints=[
        "각 실행에서 '언제', '무엇이' 나빠지는지 하나씩 보세요: 처음부터 폭발? 천천히? 진동? 검증만 정체?",
        "학습 손실과 검증 성능이 따로 노는 것은 최적화보다 일반화의 문제입니다. 진동은 모멘텀과 잡음(배치 크기)을 의심합니다.",
        "폭발 → 학습률/워밍업, 느림 → 학습률 과소/스케줄러, 진동 → 모멘텀/배치, 검증 정체 → 규제(가중치 감쇠)·데이터 증강.",
    ],
    solution_code=f'''
# 1번: 아주 느림 → D (학습률 과소, 스케줄러 없음)
# 2번: 초반 폭발 → A (학습률 과대, 워밍업 없음)
# 3번: 스텝마다 진동 → C (모멘텀 과대, 작은 배치)
# 4번: 학습 손실만 줄고 검증 정체 → B (규제/증강 부족)
answer = "{_ANSWER}"
''',
    answer=_ANSWER,
    options={k: f"원인이 '{cause}'({k}) 라면 {sign}이 보여야 합니다. 이 실행의 증상과 맞지 않습니다."
             for k, (cause, sign) in CAUSES.items()},
    item="실행",
    success="증상 하나하나에서 먼저 확인할 것: 학습률·워밍업, 규제(가중치 감쇠) 세기, 모멘텀·배치 크기, 스케줄러.",
)

EXERCISES = [clip_grad_norm, grad_norm, diagnose_run]
