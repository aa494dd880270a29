"""Small, seeded data sets for the labs: everything is generated or ships inside a package (no downloads).

Each function takes a ``seed`` and returns the same tensors on every call, so lab outputs are reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .. import validation


@dataclass(frozen=True)
class Split:
    """A supervised data set cut into training and held-out (validation) parts."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor

    @property
    def num_features(self) -> int:
        return self.x_train.shape[1]

    @property
    def num_classes(self) -> int:
        return int(torch.cat([self.y_train, self.y_val]).max()) + 1

    def to(self, dtype: torch.dtype) -> "Split":
        """The same split with float features in ``dtype`` (labels unchanged): float64 runs agree on every CPU."""
        return Split(self.x_train.to(dtype), self.y_train, self.x_val.to(dtype), self.y_val)


def _fraction(value: float, name: str) -> float:
    """0 <= value < 1 (a validation share, a label-noise rate)."""
    x = validation.real(value, name, minimum=0.0)
    if not x < 1.0:
        raise validation.InvalidArgument(f"{name}은(는) 1보다 작아야 합니다 (받은 값: {value!r}).")
    return x


def digits(seed: int = 0, val_fraction: float = 0.25, dtype: torch.dtype = torch.float32) -> Split:
    """scikit-learn's 8x8 handwritten digits (1,797 images, 10 classes), standardised with training statistics.

    ``dtype=torch.float64`` standardises in float64: ``digits().to(torch.float64)`` would keep the float32 rounding of
    the mean and std, which differs in the last bits between CPU kernel paths.
    """
    val_fraction = _fraction(val_fraction, "val_fraction")
    seed, dtype = validation.seed(seed), validation.float_dtype(dtype)
    from sklearn.datasets import load_digits  # ships inside scikit-learn: no network

    data = load_digits()
    x = torch.tensor(data.data, dtype=dtype)
    y = torch.tensor(data.target, dtype=torch.long)
    generator = torch.Generator().manual_seed(seed)
    order = torch.randperm(len(x), generator=generator)
    n_val = int(round(len(x) * val_fraction))
    val_idx, train_idx = order[:n_val], order[n_val:]
    mean = x[train_idx].mean(dim=0)
    std = x[train_idx].std(dim=0)
    # Border pixels that never light up in training have zero spread: leave them unscaled (as scikit-learn's
    # StandardScaler does). Dividing by a tiny epsilon instead would turn one lit pixel in a validation image into
    # a feature of about 1e6 and dominate the validation loss.
    std = torch.where(std > 0, std, torch.ones_like(std))
    x = (x - mean) / std
    return Split(x[train_idx], y[train_idx], x[val_idx], y[val_idx])


def teacher_classification(num_train: int = 512, num_val: int = 1024, num_features: int = 32, num_classes: int = 10,
                           label_noise: float = 0.0, seed: int = 0, dtype: torch.dtype = torch.float32) -> Split:
    """A fixed, learnable task: labels come from a random 'teacher' network, so there is something to learn.

    ``label_noise`` replaces that fraction of *training* labels with random ones (validation labels stay clean),
    which opens a train/validation gap for the weight-decay lab. ``dtype=torch.float64`` draws the inputs and the
    teacher in float64, whose ``torch.randn`` is the same on every CPU kernel path (float32's is not: its vectorised
    sampler rounds differently), so a float64 run starts from the same bits everywhere. It is a different data set
    from the float32 one (other inputs, other labels).
    """
    for name, value in (("num_train", num_train), ("num_val", num_val), ("num_features", num_features),
                        ("num_classes", num_classes)):
        validation.count(value, name)
    label_noise = _fraction(label_noise, "label_noise")
    dtype = validation.float_dtype(dtype)
    generator = torch.Generator().manual_seed(validation.seed(seed))
    hidden = torch.randn(num_features, 64, generator=generator, dtype=dtype) / num_features**0.5
    readout = torch.randn(64, num_classes, generator=generator, dtype=dtype) / 8.0
    x = torch.randn(num_train + num_val, num_features, generator=generator, dtype=dtype)
    y = (torch.tanh(x @ hidden) @ readout).argmax(dim=1)
    y_train, y_val = y[:num_train].clone(), y[num_train:]
    if label_noise > 0:
        flip = torch.rand(num_train, generator=generator) < label_noise
        y_train[flip] = torch.randint(0, num_classes, (int(flip.sum()),), generator=generator)
    return Split(x[:num_train], y_train, x[num_train:], y_val)


def linear_regression(num_samples: int = 4096, num_features: int = 10, noise: float = 0.5,
                      seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Inputs ``x``, targets ``y = x @ w_true + noise``, and ``w_true``: a least-squares problem with known gradients."""
    validation.count(num_samples, "num_samples")
    validation.count(num_features, "num_features")
    noise = validation.nonnegative(noise, "noise")
    generator = torch.Generator().manual_seed(validation.seed(seed))
    x = torch.randn(num_samples, num_features, generator=generator, dtype=torch.float64)
    w_true = torch.randn(num_features, generator=generator, dtype=torch.float64)
    y = x @ w_true + noise * torch.randn(num_samples, generator=generator, dtype=torch.float64)
    return x, y, w_true
