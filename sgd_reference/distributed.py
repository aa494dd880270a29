r"""데이터 병렬 SGD: 작업자(rank) 여러 개가 전역 배치를 나눠 계산하고, 평균 기울기로 같은 스텝을 밟는다.

Each of ``W`` processes holds a copy of the model and a shard of every global batch. In ``backward()`` PyTorch's
``DistributedDataParallel`` (DDP) copies each gradient into its bucket divided by ``W`` and all-reduces (sums) the
bucket as soon as it is full, so every rank holds the same averaged gradient and ``sgd_reference.SGD`` takes the same step everywhere. Mathematically this is one process on
the whole global batch, and also gradient accumulation over the same shards as micro-batches; in floating point the
sums are done in another order, so the parameters agree to rounding, not bit for bit (except DDP against accumulation
over 2 equal shards: g₀/2 + g₁/2 is what both compute, halving being exact).

A mean of per-rank means is the global mean only when the shards are equal: for unequal shards each rank scales its
loss by ``n_r·W/B`` (``loss_scaling="global"``, the default) so that DDP's average is the global mean.

Two ways to run it, the same code:

* ``run_data_parallel(workers=2)`` (and ``python -m sgd_reference.distributed --workers 2``) forks its own workers on
  127.0.0.1, works from a notebook cell, and cleans up: a worker that raises becomes a Korean
  :class:`DistributedRunError` within seconds and no process is left behind.
* ``torchrun --standalone --nproc-per-node=2 -m sgd_reference.distributed``: torchrun starts the ranks (on a cluster:
  ``--nnodes``, ``--nproc-per-node`` and a rendezvous endpoint; on GPUs the backend would be ``nccl``).

Both print the largest parameter difference against one process and exit non-zero above the stated tolerance.
Importing this module imports ``torch.distributed``; ``import sgd_reference`` does not import this module.
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import gc
import logging
import math
import os
import signal
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from datetime import timedelta

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import Tensor, nn

from . import accumulation, validation
from .optimizer import SGD

__all__ = ["Config", "DataParallelResult", "DistributedRunError", "TOLERANCE", "launch", "run_data_parallel",
           "shard_sizes", "train_single", "train_accumulated", "main"]

DTYPES = {"float64": torch.float64, "float32": torch.float32}
#: Stated tolerance on the largest parameter difference after the default 20 steps (parameters are O(1)). Measured
#: with 2, 3 and 4 ranks on ATEN_CPU_CAPABILITY=default and avx2: at most 2.2e-16 (float64, one ulp at 1) and 1.2e-7
#: (float32, one ulp at 1); the tolerances are 4.5 and 8 times that, room for other CPUs' kernels.
TOLERANCE = {torch.float64: 1e-15, torch.float32: 1e-6}
MAX_WORKERS = 16
LOSS_SCALINGS = ("global", "per_rank")


class DistributedRunError(RuntimeError):
    """A data-parallel run that failed: which rank, why (Korean), and the worker's own traceback in ``detail``."""

    def __init__(self, message: str, *, rank: int | None = None, detail: str = "", pids: tuple[int, ...] = (),
                 logs: dict[int, str] | None = None):
        super().__init__(message)
        self.rank, self.detail, self.pids, self.logs = rank, detail, pids, dict(logs or {})

    def _render_traceback_(self) -> list[str]:  # IPython shows this message alone, not a traceback wall
        return [f"{type(self).__name__}: {self}"]


@dataclass(frozen=True)
class Config:
    """One experiment: a small regression MLP trained with ``sgd_reference.SGD`` on a fixed, seeded data set.

    Step ``t`` uses rows ``t·B … t·B + B − 1`` (mod ``num_samples``) of the data as its global batch ``B``; with the
    default ``num_samples`` every step sees new rows. ``eval_every`` > 0 records the loss on the whole data set.
    """

    steps: int = 20
    global_batch: int = 32
    lr: float = 0.05
    momentum: float = 0.9
    dtype: torch.dtype = torch.float64
    num_samples: int | None = None
    features: int = 8
    hidden: int = 16
    seed: int = 0
    loss_scaling: str = "global"
    eval_every: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", validation.integer(self.steps, "스텝 수", minimum=1, maximum=100_000))
        object.__setattr__(self, "global_batch", validation.integer(self.global_batch, "전역 배치 크기", minimum=1,
                                                                    maximum=1_000_000))
        object.__setattr__(self, "lr", validation.positive(self.lr, "학습률"))
        object.__setattr__(self, "momentum", validation.real(self.momentum, "모멘텀", minimum=0.0, maximum=1.0))
        object.__setattr__(self, "dtype", _dtype(self.dtype))
        samples = self.steps * self.global_batch if self.num_samples is None else self.num_samples
        object.__setattr__(self, "num_samples", validation.integer(samples, "데이터 수", minimum=self.global_batch))
        validation.choice(self.loss_scaling, LOSS_SCALINGS, "손실 스케일링")
        object.__setattr__(self, "eval_every", validation.integer(self.eval_every, "평가 간격", minimum=0))


def _dtype(value) -> torch.dtype:
    if isinstance(value, str) and value in DTYPES:
        return DTYPES[value]
    if value in DTYPES.values():
        return value
    raise validation.InvalidArgument(f"dtype 은 'float64' 또는 'float32' 여야 합니다 (받은 값: {value!r}).")


# --- the problem, identical in every process -------------------------------------------------------------------------

def dataset(config: Config) -> tuple[Tensor, Tensor]:
    """Seeded inputs and targets y = sin(x·w*) + noise, built in float64 then cast (same numbers everywhere)."""
    g = torch.Generator().manual_seed(config.seed)
    x = torch.randn(config.num_samples, config.features, generator=g, dtype=torch.float64)
    w = torch.randn(config.features, generator=g, dtype=torch.float64) / math.sqrt(config.features)
    y = torch.sin(x @ w).unsqueeze(1) + 0.1 * torch.randn(config.num_samples, 1, generator=g, dtype=torch.float64)
    return x.to(config.dtype), y.to(config.dtype)


def make_model(config: Config) -> nn.Module:
    """Linear → tanh → Linear, initialised from its own generator (the learner's global RNG is not touched)."""
    model = nn.Sequential(nn.Linear(config.features, config.hidden), nn.Tanh(), nn.Linear(config.hidden, 1))
    g = torch.Generator().manual_seed(config.seed + 1)
    with torch.no_grad():
        for p in model.parameters():
            fan_in = p.shape[-1] if p.dim() > 1 else config.hidden
            p.copy_(torch.randn(p.shape, generator=g, dtype=torch.float64) / math.sqrt(fan_in))
    return model.to(config.dtype)


def batch_rows(config: Config, step: int) -> Tensor:
    start = step * config.global_batch
    return torch.arange(start, start + config.global_batch) % config.num_samples


def shard_sizes(global_batch: int, workers: int) -> list[int]:
    """Rows per rank: ⌈B/W⌉ each, the last rank the rest (the same cut as accumulation's micro-batches)."""
    b = validation.integer(global_batch, "전역 배치 크기", minimum=1)
    w = validation.integer(workers, "작업자 수", minimum=1, maximum=MAX_WORKERS)
    size = -(-b // w)
    sizes = [min(size, b - start) for start in range(0, b, size)]
    if len(sizes) != w:
        raise validation.InvalidArgument(
            f"전역 배치 {b} 를 작업자 {w}개에 {size}개씩 나누면 {len(sizes)}개 몫만 생깁니다. "
            f"작업자 수를 줄이거나 전역 배치를 {w}의 배수로 하세요.")
    return sizes


def _flat(model: nn.Module) -> Tensor:
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()]).clone()


def _full_loss(model: nn.Module, x: Tensor, y: Tensor) -> float:
    with torch.no_grad():
        return float(nn.functional.mse_loss(model(x), y))


@dataclass
class Run:
    """What one training run returns: flat parameters and (if ``eval_every``) (samples seen, whole-data loss) pairs
    with the flat parameters at those same points (``snapshots``: how two runs drift apart step by step)."""

    params: Tensor
    curve: list[tuple[int, float]] = field(default_factory=list)
    snapshots: list[Tensor] = field(default_factory=list)


def _train(config: Config, model: nn.Module, grad_of_step) -> Run:
    x, y = dataset(config)
    optimizer = SGD(model.parameters(), lr=config.lr, momentum=config.momentum)
    run = Run(params=torch.empty(0))
    if config.eval_every:
        run.curve.append((0, _full_loss(model, x, y)))
        run.snapshots.append(_flat(model))
    for step in range(config.steps):
        rows = batch_rows(config, step)
        optimizer.zero_grad(set_to_none=True)
        grad_of_step(step, x[rows], y[rows])
        optimizer.step()
        if config.eval_every and ((step + 1) % config.eval_every == 0 or step + 1 == config.steps):
            run.curve.append(((step + 1) * config.global_batch, _full_loss(model, x, y)))
            run.snapshots.append(_flat(model))
    run.params = _flat(model)
    return run


def train_single(config: Config) -> Run:
    """One process, the whole global batch per step (the reference)."""
    model = make_model(config)

    def grad(step, xb, yb):
        nn.functional.mse_loss(model(xb), yb).backward()

    return _train(config, model, grad)


def train_accumulated(config: Config, micro_batch_size: int) -> Run:
    """One process, the global batch as micro-batches (``accumulation.accumulate_gradients``), one step each."""
    model = make_model(config)

    def grad(step, xb, yb):
        accumulation.accumulate_gradients(model, nn.functional.mse_loss, xb, yb, micro_batch_size)

    return _train(config, model, grad)


def train_rank(config: Config, rank: int, world: int, *, fail_at_step: int | None = None) -> Run:
    """This rank's part of a DDP run, inside an initialised process group: its shard of every global batch."""
    from torch.nn.parallel import DistributedDataParallel

    sizes = shard_sizes(config.global_batch, world)
    start = sum(sizes[:rank])
    rows = slice(start, start + sizes[rank])
    # DDP averages over W ranks; "global" makes that average the global-batch mean for unequal shards too.
    scale = sizes[rank] * world / config.global_batch if config.loss_scaling == "global" else 1.0
    model = make_model(config)
    ddp = DistributedDataParallel(model)

    def grad(step, xb, yb):
        if step == fail_at_step:
            raise RuntimeError(f"시연용 오류: rank {rank} 이(가) 스텝 {step} 에서 일부러 오류를 냈습니다")
        loss = nn.functional.mse_loss(ddp(xb[rows]), yb[rows])
        (loss if scale == 1.0 else loss * scale).backward()  # DDP divides by W and all-reduces the buckets here

    try:
        return _train(config, model, grad)
    finally:
        # Free the Reducer before the process group goes: destroying the group under a live DDP can hang gloo.
        del ddp
        gc.collect()


# --- the comparison ---------------------------------------------------------------------------------------------------

def max_difference(a: Tensor, b: Tensor) -> float:
    return float((a.to(torch.float64) - b.to(torch.float64)).abs().max())


@dataclass
class DataParallelResult:
    """A DDP run next to one process on the full batch and to gradient accumulation over the same shards."""

    config: Config
    workers: int
    shards: list[int]
    ranks: list[Run]
    single: Run
    accumulated: Run
    tolerance: float

    @property
    def ranks_agree(self) -> bool:
        """Every rank ends with bit-identical parameters (DDP keeps the replicas in lockstep)."""
        return all(torch.equal(r.params, self.ranks[0].params) for r in self.ranks)

    @property
    def diff_single(self) -> float:
        return max_difference(self.ranks[0].params, self.single.params)

    @property
    def diff_accumulated(self) -> float:
        return max_difference(self.ranks[0].params, self.accumulated.params)

    @property
    def ok(self) -> bool:
        return self.ranks_agree and max(self.diff_single, self.diff_accumulated) <= self.tolerance

    def report(self) -> str:
        """Korean summary with the measured differences (exact values depend on the CPU's kernels: not for nbval)."""
        c = self.config
        dtype = str(c.dtype).removeprefix("torch.")
        lines = [
            f"데이터 병렬 SGD: 작업자 {self.workers}개, 샤드 {'/'.join(map(str, self.shards))} = 전역 배치 "
            f"{c.global_batch}, {c.steps}스텝, {dtype}, 학습률 {c.lr:g}, 모멘텀 {c.momentum:g}",
            f"작업자끼리 파라미터가 비트 단위로 같은가: {'예' if self.ranks_agree else '아니요'}",
            f"가장 큰 파라미터 차이: 한 프로세스(전체 배치)와 {self.diff_single:.3g}, "
            f"기울기 누적(마이크로배치 {len(self.shards)}개)과 {self.diff_accumulated:.3g}",
        ]
        if self.ok:
            lines.append(f"허용 오차 {self.tolerance:g} 이내: 통과")
        else:
            lines.append(f"허용 오차 {self.tolerance:g} 를 넘었습니다: 실패")
        return "\n".join(lines)


# --- starting workers from a function (a notebook cell, a script, a test) -----------------------------------------------

def _worker(rank: int, world: int, config: Config, out_dir: str, fail_rank: int | None) -> None:
    # Keep the notebook clean: C++ (gloo) and Python output of this process go to a log file, not the kernel's stderr.
    log = open(os.path.join(out_dir, f"rank{rank}.log"), "w", buffering=1, encoding="utf-8")
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    sys.stdout = sys.stderr = log
    faulthandler.dump_traceback_later(25, file=log)  # a rank stuck for 25 s writes where it is into its log
    # gloo can hang in containers looking for a routable interface: the loopback is all these ranks need.
    os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo" if sys.platform.startswith("linux") else "lo0")
    torch.set_num_threads(1)
    # The ranks meet through a file: no port to pick and no server thread in the parent at fork time (a TCPStore
    # served by the parent left a forked rank stuck in its connect in 2 of ~130 launches from a busy kernel).
    store = dist.FileStore(os.path.join(out_dir, "store"), world)
    dist.init_process_group("gloo", store=store, rank=rank, world_size=world, timeout=timedelta(seconds=30))
    try:
        run = train_rank(config, rank, world, fail_at_step=min(2, config.steps - 1) if rank == fail_rank else None)
        torch.save({"params": run.params, "curve": run.curve, "snapshots": run.snapshots},
                   os.path.join(out_dir, f"rank{rank}.pt"))
        dist.barrier()
    finally:
        dist.destroy_process_group()
        faulthandler.cancel_dump_traceback_later()


@contextlib.contextmanager
def _quiet_spawn_logger():
    """torch's ProcessContext.join logs 'Terminating process …' warnings on stderr when it cleans up; we do that."""
    logger = logging.getLogger("torch.multiprocessing.spawn")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _last_line(trace: str) -> str:
    lines = [line for line in trace.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "(원인 메시지 없음)"


def launch(config: Config, workers: int = 2, *, timeout: float = 120.0, fail_rank: int | None = None) -> list[Run]:
    """Fork ``workers`` ranks on 127.0.0.1 (gloo), train, and return each rank's :class:`Run`.

    The ranks rendezvous through a FileStore in a temporary directory (gloo then picks its own free ports). Any failure (a rank raising, a
    crash, ``timeout`` seconds passing) kills every rank with SIGKILL, reaps it, and raises :class:`DistributedRunError`.
    ``fail_rank`` makes that rank raise at step 2, to see the clean-up.
    """
    workers = validation.integer(workers, "작업자 수", minimum=1, maximum=MAX_WORKERS)
    timeout = validation.positive(timeout, "제한 시간(초)")
    if fail_rank is not None:
        fail_rank = validation.integer(fail_rank, "실패시킬 작업자", minimum=0, maximum=workers - 1)
    shard_sizes(config.global_batch, workers)  # a Korean error now, not in the children
    if "fork" not in mp.get_all_start_methods():
        raise DistributedRunError("이 운영체제에는 fork 가 없어 노트북에서 작업자를 띄울 수 없습니다. "
                                  "대신 터미널에서 torchrun --standalone --nproc-per-node=2 -m "
                                  "sgd_reference.distributed 를 실행하세요.")
    import torch._dynamo  # noqa: F401  DDP imports it lazily (seconds); once here, every forked rank inherits it

    context = None
    with tempfile.TemporaryDirectory(prefix="sgd_ddp_") as out_dir, _quiet_spawn_logger(), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
        try:
            context = mp.start_processes(_worker, args=(workers, config, out_dir, fail_rank),
                                         nprocs=workers, join=False, start_method="fork")
            deadline = time.monotonic() + timeout
            while not context.join(timeout=0.2, grace_period=0):
                if time.monotonic() > deadline:
                    raise DistributedRunError(
                        f"작업자 {workers}개가 {timeout:g}초 안에 끝나지 않아 모두 강제로 종료했습니다 "
                        f"(남은 프로세스 없음). 스텝 수를 줄이거나 timeout 을 늘리세요.",
                        pids=tuple(p.pid for p in context.processes), logs=_logs(out_dir, workers))
        except (mp.ProcessRaisedException, mp.ProcessExitedException) as error:
            rank = error.error_index
            cause = _last_line(str(error)) if isinstance(error, mp.ProcessRaisedException) else _exit_cause(error)
            raise DistributedRunError(
                f"작업자 rank {rank} 이(가) 오류로 끝났습니다: {cause}\n"
                f"나머지 작업자도 모두 종료했습니다(남은 프로세스 없음). 작업자의 전체 추적 정보는 이 예외의 "
                f".detail 에, 작업자들의 출력은 .logs 에 있습니다.", rank=rank, detail=str(error),
                pids=tuple(p.pid for p in context.processes), logs=_logs(out_dir, workers)) from None
        finally:
            if context is not None:
                _kill_and_reap(context.processes)
        return [_load(out_dir, rank) for rank in range(workers)]


def _logs(out_dir: str, workers: int) -> dict[int, str]:
    """Each rank's own output (gloo's messages included), read before the temporary directory goes."""
    logs = {}
    for rank in range(workers):
        with contextlib.suppress(OSError):
            with open(os.path.join(out_dir, f"rank{rank}.log"), encoding="utf-8", errors="replace") as handle:
                logs[rank] = handle.read()[-20_000:]
    debug_dir = os.environ.get("SGD_REFERENCE_DDP_LOG_DIR")
    if debug_dir:  # keep them past the run (for debugging a flaky machine)
        os.makedirs(debug_dir, exist_ok=True)
        stamp = f"{os.getpid()}-{time.time_ns()}"
        for rank, text in logs.items():
            with open(os.path.join(debug_dir, f"{stamp}-rank{rank}.log"), "w", encoding="utf-8") as handle:
                handle.write(text)
    return logs


def _exit_cause(error: Exception) -> str:
    code = getattr(error, "exit_code", None)
    name = getattr(error, "signal_name", None)
    return f"신호 {name} 로 종료" if name else f"종료 코드 {code}"


def _kill_and_reap(processes) -> None:
    for process in processes:
        if process.is_alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGKILL)  # a rank hung in gloo ignores SIGTERM and the parent-death signal
    for process in processes:
        process.join(timeout=10)


def _load(out_dir: str, rank: int) -> Run:
    saved = torch.load(os.path.join(out_dir, f"rank{rank}.pt"), weights_only=True)
    return Run(params=saved["params"], curve=[tuple(point) for point in saved["curve"]], snapshots=saved["snapshots"])


def run_data_parallel(workers: int = 2, steps: int = 20, dtype="float64", *, global_batch: int = 32,
                      lr: float = 0.05, momentum: float = 0.9, loss_scaling: str = "global",
                      tolerance: float | None = None, timeout: float = 120.0,
                      fail_rank: int | None = None) -> DataParallelResult:
    """DDP over ``workers`` forked ranks, against one process on the full batch and accumulation over the shards."""
    config = Config(steps=steps, global_batch=global_batch, lr=lr, momentum=momentum, dtype=dtype,
                    loss_scaling=loss_scaling)
    tolerance = TOLERANCE[config.dtype] if tolerance is None else validation.nonnegative(tolerance, "허용 오차")
    ranks = launch(config, workers, timeout=timeout, fail_rank=fail_rank)
    return _compare(config, workers, ranks, tolerance)


def _compare(config: Config, workers: int, ranks: list[Run], tolerance: float) -> DataParallelResult:
    shards = shard_sizes(config.global_batch, workers)
    return DataParallelResult(config=config, workers=workers, shards=shards, ranks=ranks, single=train_single(config),
                              accumulated=train_accumulated(config, shards[0]), tolerance=tolerance)


# --- the command line: its own workers, or one rank under torchrun -----------------------------------------------------

def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sgd_reference.distributed",
        description="데이터 병렬 SGD(DDP, gloo)를 한 프로세스·기울기 누적과 비교합니다. "
                    "torchrun 으로 실행하면 torchrun 이 띄운 rank 들을, 아니면 --workers 개를 직접 띄워 씁니다.")
    parser.add_argument("--workers", type=int, default=2, help="직접 띄울 작업자 수 (torchrun 아래에서는 무시)")
    parser.add_argument("--steps", type=int, default=20, help="스텝 수")
    parser.add_argument("--global-batch", type=int, default=32, help="전역 배치 크기 (작업자들이 나눠 가짐)")
    parser.add_argument("--dtype", choices=sorted(DTYPES), default="float64", help="계산 정밀도")
    parser.add_argument("--loss-scaling", choices=LOSS_SCALINGS, default="global",
                        help="global: 샤드 크기가 달라도 전역 평균 / per_rank: rank 평균의 평균(샤드가 같을 때만 맞음)")
    parser.add_argument("--tolerance", type=float, default=None, help="허용 오차 (기본: float64 1e-15, float32 1e-6)")
    return parser


def _under_torchrun() -> bool:
    return all(name in os.environ for name in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = Config(steps=args.steps, global_batch=args.global_batch, dtype=args.dtype,
                        loss_scaling=args.loss_scaling)
        tolerance = TOLERANCE[config.dtype] if args.tolerance is None else validation.nonnegative(args.tolerance,
                                                                                                   "허용 오차")
        if _under_torchrun():
            return _main_torchrun(config, tolerance)
        result = _compare(config, args.workers, launch(config, args.workers), tolerance)
    except (validation.InvalidArgument, DistributedRunError) as error:
        print(f"오류: {error}", file=sys.stderr)
        return 2
    print(result.report())
    return 0 if result.ok else 1


def _main_torchrun(config: Config, tolerance: float) -> int:
    """One rank started by torchrun: env:// rendezvous; rank 0 gathers, compares and prints."""
    rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    shard_sizes(config.global_batch, world)
    if os.environ.get("LOCAL_WORLD_SIZE") == str(world):  # every rank on this machine (--standalone): loopback is enough
        os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo" if sys.platform.startswith("linux") else "lo0")
    dist.init_process_group("gloo", timeout=timedelta(seconds=60))
    try:
        run = train_rank(config, rank, world)
        gathered = [torch.empty_like(run.params) for _ in range(world)]
        dist.all_gather(gathered, run.params)
    finally:
        dist.destroy_process_group()
    if rank != 0:
        return 0
    result = _compare(config, world, [Run(params=p) for p in gathered], tolerance)
    print(result.report())
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
