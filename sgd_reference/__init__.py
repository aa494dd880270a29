"""sgd_reference: torch.optim.SGD를 비트 단위로 재현하는 교재용 레퍼런스 구현.

The core modules import only torch. Teaching-layer modules (plots, widgets, exercises) build on them.
"""

from . import functional
from .optimizer import SGD

__all__ = ["SGD", "functional"]
