"""Exercises on data-parallel SGD: the loss scale that makes DDP's average the global mean, the effective batch (lab 10)."""

from __future__ import annotations

from .core import Case, FunctionExercise, Mistake, NumberExercise, NumberMistake

LAB10 = "10_data_parallel.ipynb"


def _scale_cases() -> list[Case]:
    rows = [(16, 2, 32), (11, 3, 32), (10, 3, 32), (8, 4, 30), (6, 4, 30), (5, 1, 5), (7, 2, 13)]
    return [Case(r, f"shard_size={r[0]}, workers={r[1]}, global_batch={r[2]}") for r in rows]


shard_loss_scale = FunctionExercise(
    id="shard_loss_scale",
    title="샤드 크기가 다를 때 손실에 곱할 계수",
    lab=LAB10,
    signature="shard_loss_scale(shard_size, workers, global_batch)",
    prompt=r"""
작업자 $W$ 개가 전역 배치 $B$ 개를 나눠 가집니다. rank $r$ 의 샤드에는 $n_r$ 개가 있고, 각 rank는 자기 샤드의
**평균** 손실 $\bar L_r$ 에 계수 $s_r$ 를 곱해 `backward()` 합니다. DDP는 기울기를 모든 rank에서 더한 뒤 $W$ 로 나눕니다:
$\frac{1}{W}\sum_r s_r \nabla \bar L_r$.

이것이 전역 배치 평균 손실의 기울기 $\sum_r \frac{n_r}{B}\nabla \bar L_r$ 와 같아지도록 하는 계수 $s_r$ 를 float 로 반환하세요.
""",
    hints=[
        r"두 식의 $\nabla \bar L_r$ 앞에 붙은 계수를 같게 놓으세요: $s_r / W = n_r / B$.",
        "샤드가 모두 같으면(n_r = B/W) 계수는 1 이어야 합니다. 그래서 평소에는 이 계수를 신경 쓰지 않습니다.",
        "`return shard_size * workers / global_batch`",
    ],
    solution_code='''
def shard_loss_scale(shard_size, workers, global_batch):
    # DDP 가 W 로 나누므로 s_r / W = n_r / B 가 되어야 합니다: s_r = n_r * W / B.
    # 샤드가 모두 같으면(n_r = B / W) 1 이 됩니다.
    return shard_size * workers / global_batch
''',
    cases=_scale_cases,
    reference=lambda n, w, b: n * w / b,
    outputs=("scale",),
    kinds=("float",),
    rtol=1e-9,
    atol=1e-12,
    mistakes=[
        Mistake("계수를 1 로 두었습니다: rank 평균의 평균은 샤드 크기가 모두 같을 때만 전역 평균입니다. 작은 샤드의 "
                "샘플이 더 큰 무게를 받게 됩니다.", lambda n, w, b: 1.0),
        Mistake("n_r / B 는 기울기 누적의 계수입니다. DDP 는 합을 W 로 한 번 더 나누므로 W 를 곱해 되돌려야 합니다.",
                lambda n, w, b: n / b),
        Mistake("비율이 뒤집혔습니다: 샘플이 많은 샤드일수록 계수가 커야 합니다.", lambda n, w, b: b / (n * w)),
        Mistake("W 로 나눴습니다. DDP 가 이미 W 로 나누므로, 계수에는 W 를 곱해야 합니다.", lambda n, w, b: n / (b * w)),
        Mistake("정수 나눗셈(`//`)을 써서 계수가 0 이나 1 로 잘렸습니다. `/` 를 쓰세요.", lambda n, w, b: n * w // b),
        Mistake("작업자 수 W 를 빠뜨리고 샤드 크기만 돌려줬습니다. 계수는 n_r × W / B 입니다.", lambda n, w, b: float(n)),
    ],
)


ddp_effective_batch = NumberExercise(
    id="ddp_effective_batch",
    title="데이터 병렬의 유효 배치 크기",
    lab=LAB10,
    prompt=r"""
작업자(GPU) 4개가 각자 미니배치 16개로 순전파·역전파하고, 옵티마이저 스텝 전에 기울기를 2번 누적합니다.
DDP 는 모든 작업자의 기울기를 평균합니다. 옵티마이저 한 스텝이 평균을 낸 샘플 수, 즉 **유효 배치 크기**는 몇 개인가요?
숫자 하나를 `answer` 에 넣으세요. (선형 스케일링으로 학습률을 정할 때 쓰는 배치 크기가 이것입니다.)
""",
    hints=[
        "한 작업자가 한 스텝에 보는 샘플 수는 미니배치 × 누적 횟수입니다.",
        "DDP 의 평균은 모든 작업자에 걸친 평균이므로, 작업자 수도 곱합니다.",
        "4 × 16 × 2",
    ],
    solution_code='''
# 유효 배치 = 작업자 수 × 작업자당 미니배치 × 누적 횟수
answer = 4 * 16 * 2
''',
    answer=128,
    rel_tol=1e-9,
    mistakes=[
        NumberMistake(64, "작업자 수와 미니배치만 곱했습니다. 기울기 누적 2번도 한 스텝에 들어가는 샘플을 2배로 늘립니다."),
        NumberMistake(32, "한 작업자만 셌습니다. DDP 는 모든 작업자의 기울기를 평균하므로 작업자 4개가 모두 들어갑니다."),
        NumberMistake(16, "작업자당 미니배치만 적었습니다. 유효 배치는 작업자 수와 누적 횟수까지 곱한 값입니다."),
        NumberMistake(8, "작업자 수와 누적 횟수만 곱했습니다. 미니배치 16개도 곱하세요."),
        NumberMistake(22, "더했습니다(4 + 16 + 2). 샘플 수는 곱으로 늘어납니다."),
        NumberMistake(512, "한 번 더 곱했습니다. 유효 배치는 작업자 수 × 미니배치 × 누적 횟수, 세 수의 곱입니다."),
    ],
    success="유효 배치 = 작업자 수 × 작업자당 배치 × 누적 횟수. 학습률은 이 크기에 맞춰 정합니다.",
)

EXERCISES = [shard_loss_scale, ddp_effective_batch]
