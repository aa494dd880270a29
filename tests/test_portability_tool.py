"""tools/portability.py compares what a reader reads, so how Jupyter happened to chunk a stream must not count."""

import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location("portability", Path(__file__).resolve().parents[1] / "tools" / "portability.py")
portability = importlib.util.module_from_spec(spec)
spec.loader.exec_module(portability)


def notebook(*cells):
    return {"cells": [{"cell_type": "code", "outputs": list(outputs)} for outputs in cells]}


def stream(text):
    return {"output_type": "stream", "name": "stdout", "text": text}


def test_a_print_split_into_two_stream_chunks_reads_the_same_as_one():
    one = notebook([stream("a = 1\nb = 2\n")])
    two = notebook([stream("a = 1\n"), stream(["b = 2\n"])])
    assert portability.text_outputs(one) == portability.text_outputs(two) == ["[코드 셀 1] a = 1\nb = 2\n"]


def test_a_changed_digit_is_a_difference_and_cells_stay_apart():
    before = notebook([stream("loss 0.123\n")], [{"output_type": "execute_result", "data": {"text/plain": "7"}}])
    after = notebook([stream("loss 0.124\n")], [{"output_type": "execute_result", "data": {"text/plain": "7"}}])
    assert portability.text_outputs(before) != portability.text_outputs(after)
    assert portability.text_outputs(before)[1] == "[코드 셀 2] 7"


def test_capabilities_always_include_the_generic_path():
    assert portability.capabilities()[0] == "default"
