"""RescoreKitQuestions: what the kernel printed for a bank question does not count."""
from __future__ import annotations

from autograder.preprocessors import RescoreKitQuestions

from fixturenotebooks import fixture_notebook


def test_a_wrong_answer_whose_kernel_output_was_silenced_scores_zero_again():
    nb = fixture_notebook("kernel_silenced_wrong_answer")
    assert nb.cells[2].outputs == []  # as the kernel left it: nbgrader would give full points
    nb, _ = RescoreKitQuestions()(nb, {})
    assert nb.cells[2].outputs[0]["name"] == "stderr" and "回答不正确" in nb.cells[2].outputs[0]["text"]


def test_a_test_cell_written_by_hand_keeps_the_kernels_outputs():
    nb = fixture_notebook("test_cell_written_by_hand")
    nb.cells[2].outputs = [{"output_type": "stream", "name": "stdout", "text": "kernel\n"}]
    nb, _ = RescoreKitQuestions()(nb, {})
    assert nb.cells[2].outputs == [{"output_type": "stream", "name": "stdout", "text": "kernel\n"}]
