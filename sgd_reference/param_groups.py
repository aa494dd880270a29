"""파라미터 그룹: 가중치 감쇠를 받을 파라미터와 받지 않을 파라미터(bias, 정규화 층의 scale) 나누기.

The source document's rule: a trainable parameter with ``p.ndim <= 1`` (bias, BatchNorm/LayerNorm
weight, scalars) or a name ending in ``.bias`` gets no weight decay; frozen parameters
(``requires_grad=False``) go in neither group, since the optimizer should not see them at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from torch import Tensor, nn

from . import validation

__all__ = ["split_decay_params", "split_decay_param_names", "decay_param_groups", "describe_param_groups"]


def _check_module(model: object) -> None:
    validation.instance(model, nn.Module, "model", "torch.nn.Module",
                        "파라미터 목록이 아니라 모델 자체를 넘겨 주세요.")


def _is_no_decay(name: str, p: Tensor) -> bool:
    return p.ndim <= 1 or name.endswith(".bias")


def split_decay_param_names(model: nn.Module) -> tuple[list[str], list[str]]:
    """Names of the parameters :func:`split_decay_params` puts in (decay, no_decay), same order."""
    _check_module(model)
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue  # frozen: in neither group
        (no_decay if _is_no_decay(name, p) else decay).append(name)
    return decay, no_decay


def split_decay_params(model: nn.Module) -> tuple[list[nn.Parameter], list[nn.Parameter]]:
    """(decay, no_decay): weights with ndim ≥ 2 vs biases/norm scales (ndim ≤ 1 or ``*.bias``)."""
    _check_module(model)
    params = dict(model.named_parameters())
    decay_names, no_decay_names = split_decay_param_names(model)
    return [params[n] for n in decay_names], [params[n] for n in no_decay_names]


def decay_param_groups(model: nn.Module, weight_decay: float) -> list[dict[str, Any]]:
    """Two param groups for an optimizer: λ = ``weight_decay`` for weights, λ = 0 for the rest."""
    _check_module(model)
    weight_decay = validation.nonnegative(weight_decay, "가중치 감쇠 λ")
    decay, no_decay = split_decay_params(model)
    return [
        {"params": decay, "weight_decay": weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]


def describe_param_groups(groups: Iterable[dict[str, Any]] | Any) -> list[dict[str, Any]]:
    """Per group: how many tensors and how many scalar parameters (numel), and its weight decay.

    Accepts a list of param-group dicts (e.g. from :func:`decay_param_groups`) or an optimizer.
    Returns ``[{"group": 0, "weight_decay": 1e-4, "tensors": 8, "parameters": 11_172_032}, ...]``.
    """
    if hasattr(groups, "param_groups"):
        groups = groups.param_groups
    if isinstance(groups, (dict, Tensor, nn.Module)) or not isinstance(groups, Iterable):
        raise TypeError(
            "파라미터 그룹의 목록(예: decay_param_groups(...)의 결과)이나 옵티마이저를 넘겨 주세요 "
            f"(받은 값: {type(groups).__name__})."
        )
    rows = []
    for i, group in enumerate(groups):
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError(f"{i}번째 파라미터 그룹은 'params' 키가 있는 dict 여야 합니다.")
        params = list(group["params"])
        if not all(isinstance(p, Tensor) for p in params):
            raise TypeError(f"{i}번째 파라미터 그룹의 'params' 에 텐서가 아닌 값이 있습니다.")
        rows.append({
            "group": i,
            "weight_decay": group.get("weight_decay"),
            "tensors": len(params),
            "parameters": sum(p.numel() for p in params),
        })
    return rows
