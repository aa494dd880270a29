"""Exercises on the plain SGD step and the learning-rate threshold (labs 01, 02)."""

from __future__ import annotations

import math

from .core import Case, FunctionExercise, Mistake, NumberExercise, NumberMistake, seeded, randn

LAB1 = "01_learning_rate.ipynb"
LAB2 = "02_five_minute_lab.ipynb"


def _sgd_cases() -> list[Case]:
    g = seeded(101)
    cases = []
    for shape, lr in [((5,), 0.1), ((3, 4), 0.01), ((2, 3, 2), 0.5), ((7,), 1.5)]:
        p, grad = randn(g, *shape), randn(g, *shape)
        cases.append(Case((p, grad, lr), f"param 모양 {shape}, lr={lr}"))
    return cases


sgd_step = FunctionExercise(
    id="sgd_step",
    title="SGD 한 스텝",
    lab=LAB1,
    signature="sgd_step(param, grad, lr)",
    prompt=r"""
기본 SGD 의 한 스텝을 구현하세요: $\theta \leftarrow \theta - \eta\, g$.

- `param` ($\theta$), `grad` ($g$): 같은 모양의 `torch.Tensor`
- `lr` ($\eta$): 학습률 (float)
- 반환: 새 파라미터 텐서 `new_param`. `param` 을 제자리에서 바꿔 반환해도 되지만 `grad` 는 바꾸면 안 됩니다.
""",
    hints=[
        "기울기는 손실이 가장 빨리 *커지는* 방향입니다. 손실을 줄이려면 어느 쪽으로 움직여야 할까요?",
        "한 스텝에 움직이는 양은 기울기에 학습률을 곱한 값입니다.",
        "`return param - lr * grad` 한 줄이면 됩니다.",
    ],
    solution_code='''
def sgd_step(param, grad, lr):
    # 기울기의 반대 방향으로, 학습률만큼 비례해서 움직입니다.
    return param - lr * grad
''',
    cases=_sgd_cases,
    reference=lambda p, g, lr: p - lr * g,
    outputs=("new_param",),
    mutable=("param",),
    mistakes=[
        Mistake("부호가 반대입니다: 기울기 방향으로 올라가고 있습니다(경사 상승). 손실을 줄이려면 기울기의 반대 방향으로 가야 합니다.",
                lambda p, g, lr: p + lr * g),
        Mistake("학습률을 빠뜨렸습니다: 기울기 전체만큼 움직이고 있습니다. 한 스텝의 크기는 학습률이 정합니다.",
                lambda p, g, lr: p - g),
        Mistake("학습률로 곱하지 않고 나눴습니다. 학습률이 작을수록 스텝도 작아져야 합니다.",
                lambda p, g, lr: p - g / lr),
        Mistake("업데이트 양(−η·g)만 반환했습니다. 원래 파라미터에 더한 새 파라미터를 반환하세요.",
                lambda p, g, lr: -lr * g),
        Mistake("파라미터가 그대로입니다: 계산한 새 값을 반환하지 않고 원래 `param` 을 반환한 것 같습니다.",
                lambda p, g, lr: p),
        Mistake("기울기를 학습률이 아니라 파라미터와 곱했습니다. 스텝은 η·g 입니다.",
                lambda p, g, lr: p - p * g),
    ],
)


_L = 4.0
divergence_lr = NumberExercise(
    id="divergence_lr",
    title="발산이 시작되는 학습률",
    lab=LAB1,
    prompt=rf"""
$f(x) = \frac{{L}}{{2}} x^2$, $L = {_L:g}$ 위에서 경사 하강법 $x \leftarrow x - \eta f'(x)$ 을 돌립니다.
학습률 $\eta$ 가 얼마보다 크면 $x$ 가 발산하기 시작하나요? 숫자 하나를 `answer` 에 넣으세요.
""",
    hints=[
        r"한 스텝 뒤 $x$ 는 원래 $x$ 의 몇 배가 되나요? $f'(x) = Lx$ 를 넣어 보세요.",
        r"$x_{t+1} = (1 - \eta L)\, x_t$. 이 배율의 절댓값이 1보다 커지면 발산합니다.",
        r"$|1 - \eta L| > 1$ 을 $\eta > 0$ 에서 풀면 $\eta > 2/L$ 입니다.",
    ],
    solution_code=f'''
L = {_L:g}
# 한 스텝마다 x 는 (1 - lr * L) 배가 됩니다. |1 - lr * L| > 1 이면 발산하므로 경계는 2 / L.
answer = 2 / L
''',
    answer=2 / _L,
    rel_tol=1e-3,
    mistakes=[
        NumberMistake(1 / _L, "그 학습률은 진동이 *시작*되는 곳입니다(1 − ηL 이 음수가 되는 지점). 진동해도 |1 − ηL| < 1 이면 아직 수렴합니다."),
        NumberMistake(_L / 2, "L 과 η 의 관계가 뒤집혔습니다. L 이 클수록(곡률이 클수록) 발산하는 학습률은 더 작아야 합니다."),
        NumberMistake(_L, "L 자체는 곡률입니다. 배율 1 − ηL 의 절댓값이 1을 넘는 η 를 구하세요."),
        NumberMistake(2 * _L, "L 과 η 의 관계가 뒤집혔습니다(2L). 곡률이 클수록 안전한 학습률은 작아집니다."),
        NumberMistake(1 / (2 * _L), "너무 보수적입니다(1/(2L)). 그보다 큰 학습률에서도 한동안 수렴합니다: 배율 |1 − ηL| 을 다시 보세요."),
    ],
    success="배율 |1 − ηL| 이 1을 넘는 순간이 바로 η = 2/L 입니다.",
)


_K = 10
random_label_loss = NumberExercise(
    id="random_label_loss",
    title="무작위 레이블의 최저 손실",
    lab=LAB2,
    prompt=f"""
클래스가 {_K}개이고 레이블이 입력과 무관하게 균등한 무작위로 붙어 있습니다. 어떤 분류기도 입력에서 레이블을
알아낼 수 없습니다. `nn.CrossEntropyLoss` (자연로그) 기준으로, 분류기가 도달할 수 있는 가장 낮은 **기대** 교차
엔트로피 손실은 얼마인가요? 숫자 하나를 `answer` 에 넣으세요 (소수 둘째 자리 정도까지).
""",
    hints=[
        "입력이 아무 정보도 주지 않으므로 가장 좋은 예측은 모든 클래스에 같은 확률을 주는 것입니다.",
        f"모든 클래스에 1/{_K} 을 주면, 정답 클래스의 확률도 항상 1/{_K} 입니다. 교차 엔트로피는 −log(정답 확률).",
        "PyTorch 의 교차 엔트로피는 자연로그(`math.log`)를 씁니다.",
    ],
    solution_code=f'''
import math

# 입력이 레이블에 대해 아무것도 알려 주지 않으므로 최선은 균등 예측 p = 1/{_K} 입니다.
# 교차 엔트로피 = -log(정답 클래스 확률) = -log(1/{_K}) = log({_K}) (자연로그).
answer = math.log({_K})
''',
    answer=math.log(_K),
    rel_tol=3e-3,
    mistakes=[
        NumberMistake(math.log2(_K), "밑이 2인 로그(비트 단위)입니다. PyTorch 의 교차 엔트로피는 자연로그를 씁니다."),
        NumberMistake(math.log10(_K), "상용로그(밑 10)입니다. PyTorch 의 교차 엔트로피는 자연로그를 씁니다."),
        NumberMistake(1 / _K, "그것은 정답 확률(또는 기대 정확도)입니다. 손실은 −log(정답 확률) 입니다."),
        NumberMistake(1 - 1 / _K, "그것은 오답률입니다. 교차 엔트로피 손실은 −log(정답 확률) 입니다."),
        NumberMistake(0.0, "0 은 정답을 확신할 수 있을 때의 손실입니다. 레이블이 무작위이면 새 데이터에서 기대 손실은 0이 될 수 없습니다."),
        NumberMistake(-math.log(_K), "부호가 반대입니다. 교차 엔트로피는 −log(p) 라서 0 이상입니다."),
    ],
    success="학습 손실이 이 값 근처에 머문다면, 모델이 데이터에서 배울 것이 없다는 신호입니다.",
)

EXERCISES = [sgd_step, divergence_lr, random_label_loss]
