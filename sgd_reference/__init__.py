"""sgd_reference: torch.optim.SGD를 비트 단위로 재현하는 교재용 레퍼런스 구현.

The core modules below import only torch. Teaching-layer modules (plots, widgets, exercises) build on
them and are imported by their own lines (never the reverse).
"""

from . import accumulation, batch_scaling, functional, gradients, nesterov, param_groups, schedules, weight_decay
from .accumulation import accumulate_gradients, accumulation_steps, effective_batch_size
from .batch_scaling import lr_candidates, lr_range_rule_of_thumb, scale_lr_linear
from .functional import sgd_foreach_step, sgd_step
from .gradients import GradNormLogger, NonFiniteError, check_finite, clip_grad_norm, global_grad_norm
from .nesterov import (
    heavy_ball_trajectory,
    lookahead_nesterov_trajectory,
    lookahead_to_pytorch,
    pytorch_nesterov_trajectory,
    pytorch_to_lookahead,
)
from .optimizer import SGD
from .param_groups import decay_param_groups, describe_param_groups, split_decay_param_names, split_decay_params
from .schedules import WarmupCosineLR, warmup_cosine_lr
from .weight_decay import SGDW, coupled_weight_decay_step, decoupled_weight_decay_step

__all__ = [
    "SGD",
    "SGDW",
    "WarmupCosineLR",
    "GradNormLogger",
    "NonFiniteError",
    "accumulate_gradients",
    "accumulation",
    "accumulation_steps",
    "batch_scaling",
    "check_finite",
    "clip_grad_norm",
    "coupled_weight_decay_step",
    "decay_param_groups",
    "decoupled_weight_decay_step",
    "describe_param_groups",
    "effective_batch_size",
    "functional",
    "global_grad_norm",
    "gradients",
    "heavy_ball_trajectory",
    "lookahead_nesterov_trajectory",
    "lookahead_to_pytorch",
    "lr_candidates",
    "lr_range_rule_of_thumb",
    "nesterov",
    "param_groups",
    "pytorch_nesterov_trajectory",
    "pytorch_to_lookahead",
    "scale_lr_linear",
    "schedules",
    "sgd_foreach_step",
    "sgd_step",
    "split_decay_param_names",
    "split_decay_params",
    "warmup_cosine_lr",
    "weight_decay",
]
