"""Data-parallel SGD on real torch.distributed (gloo, forked ranks on 127.0.0.1), against one process and accumulation.

Also the two command lines the issue names (``make test`` runs them through this file): ``python -m
sgd_reference.distributed --workers 2`` and ``torchrun --standalone --nproc-per-node=2 -m sgd_reference.distributed``.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from sgd_reference import distributed, validation

ROOT = Path(__file__).resolve().parents[1]
TORCHRUN = Path(sys.executable).with_name("torchrun")


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_two_ranks_match_one_process_and_accumulation_within_the_stated_tolerance(dtype):
    result = distributed.run_data_parallel(workers=2, steps=20, dtype=dtype)
    assert result.shards == [16, 16] and len(result.ranks) == 2
    assert result.ranks_agree  # DDP keeps the replicas bit-identical
    tolerance = distributed.TOLERANCE[torch.float64 if dtype == "float64" else torch.float32]
    assert result.tolerance == tolerance and result.ok
    assert result.diff_single <= tolerance
    # both compute g0/2 + g1/2 and halving is exact: DDP over 2 equal shards IS accumulation over them.
    assert result.diff_accumulated == 0.0
    # ... and the run really trained: the parameters moved far more than the tolerance.
    start = distributed._flat(distributed.make_model(result.config))
    assert distributed.max_difference(result.ranks[0].params, start) > 1e-2
    assert "가장 큰 파라미터 차이" in result.report() and "통과" in result.report()


def test_unequal_shards_need_the_loss_scaled_to_the_global_mean():
    scaled = distributed.run_data_parallel(workers=3, steps=20)
    assert scaled.shards == [11, 11, 10] and scaled.ok, scaled.report()
    naive = distributed.run_data_parallel(workers=3, steps=20, loss_scaling="per_rank")
    # a mean of per-rank means weights the 10-row shard like the 11-row ones: a real error, not rounding
    assert naive.diff_single > 1e-4 and not naive.ok
    assert "넘었습니다" in naive.report()


def test_four_ranks_at_a_fixed_global_batch_also_agree():
    result = distributed.run_data_parallel(workers=4, steps=10)
    assert result.shards == [8, 8, 8, 8] and result.ok, result.report()


@pytest.mark.parametrize("fail_rank", [0, 1])
def test_a_worker_that_raises_becomes_a_korean_error_within_seconds_and_leaves_no_process(fail_rank):
    start = time.monotonic()
    with pytest.raises(distributed.DistributedRunError) as info:
        distributed.run_data_parallel(workers=2, steps=20, fail_rank=fail_rank)
    assert time.monotonic() - start < 15
    error = info.value
    assert error.rank == fail_rank and f"rank {fail_rank}" in str(error) and "종료했습니다" in str(error)
    assert "시연용 오류" in str(error) and "Traceback" in error.detail and set(error.logs) == {0, 1}
    assert len(error.pids) == 2 and all(_gone(pid) for pid in error.pids)
    assert multiprocessing.active_children() == []
    assert error._render_traceback_() == [f"DistributedRunError: {error}"]  # IPython shows the message alone


def test_a_run_past_its_time_limit_is_killed_with_a_korean_error():
    with pytest.raises(distributed.DistributedRunError, match="초 안에 끝나지 않아") as info:
        distributed.launch(distributed.Config(steps=100_000), workers=2, timeout=0.5)
    assert all(_gone(pid) for pid in info.value.pids) and multiprocessing.active_children() == []


@pytest.mark.parametrize("kwargs, fragment", [
    ({"workers": 0}, "작업자 수는 1 이상"),
    ({"workers": 2.0}, "작업자 수는 정수"),
    ({"workers": 5, "global_batch": 4}, "몫만 생깁니다"),
    ({"dtype": "float16"}, "dtype 은"),
    ({"loss_scaling": "sum"}, "손실 스케일링은"),
    ({"fail_rank": 2}, "실패시킬 작업자는"),
])
def test_bad_arguments_are_refused_in_korean_before_any_process_starts(kwargs, fragment):
    with pytest.raises(validation.InvalidArgument, match=fragment):
        distributed.run_data_parallel(**kwargs)
    assert multiprocessing.active_children() == []


def _cli(command: list[str]) -> subprocess.CompletedProcess:
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(ROOT))
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_python_m_starts_its_own_workers_and_prints_the_difference():
    result = _cli([sys.executable, "-m", "sgd_reference.distributed", "--workers", "2"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "작업자 2개" in result.stdout and "가장 큰 파라미터 차이" in result.stdout and "통과" in result.stdout
    assert result.stderr == ""


def test_torchrun_runs_the_same_module_as_its_ranks():
    result = _cli([str(TORCHRUN), "--standalone", "--nproc-per-node=2", "-m", "sgd_reference.distributed"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "작업자 2개" in result.stdout and "가장 큰 파라미터 차이" in result.stdout and "통과" in result.stdout


def test_the_command_exits_non_zero_when_the_difference_is_above_the_tolerance():
    # 3 ranks (11/11/10 rows) averaging per-rank means: a real 5e-3-sized error, far above the float64 tolerance.
    result = _cli([sys.executable, "-m", "sgd_reference.distributed", "--workers", "3", "--loss-scaling", "per_rank"])
    assert result.returncode == 1, result.stdout + result.stderr
    assert "넘었습니다" in result.stdout


def test_the_command_reports_bad_arguments_in_korean():
    result = _cli([sys.executable, "-m", "sgd_reference.distributed", "--workers", "0"])
    assert result.returncode == 2 and "작업자 수는 1 이상" in result.stderr and "Traceback" not in result.stderr


def test_importing_the_package_does_not_import_torch_distributed_code_of_ours():
    code = "import sys, sgd_reference; print('sgd_reference.distributed' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "False"
