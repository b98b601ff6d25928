"""Sections built in a forked child (dealerlab.report.forked): the same HTML as built in the kernel, and whatever
goes wrong in the child, the kernel builds the section itself."""

import os
import pickle
import signal
import sys
import warnings

import pytest

from dealerlab.report import context as report_context
from dealerlab.report import forked, sections
from dealerlab.report.context import ReportContext
from dealerlab.report.params import check_scope
from dealerlab.report.shared import write_shared_figures

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")


def _render(key):
    if key == "boom":
        raise ValueError("in the child")
    if key == "loud":
        print("printed in the child")
        warnings.warn("warned in the child", UserWarning, stacklevel=1)
    return f"<p>{key} from {os.getpid()}</p>"


def test_the_child_builds_its_sections_and_hands_them_over_in_any_order(tmp_path):
    worker = forked.SectionWorker(_render, ["a", "b", "c"], parent_folder=tmp_path)
    assert worker.pid and worker.pid != os.getpid()
    b, a = worker.take("b"), worker.take("a")
    assert b == f"<p>b from {worker.pid}</p>" and a == f"<p>a from {worker.pid}</p>"
    assert worker.take("x") is None  # not one of the child's: the caller builds it
    assert worker.take("c").startswith("<p>c from")
    assert not worker.folder.exists()  # every section taken: the child is reaped and its folder removed
    assert worker.take("c") is None  # taken once


def test_prints_and_warnings_of_a_child_section_reach_the_kernel(tmp_path, capsys, monkeypatch):
    shown = []  # a warning raised in the cell would be shown (on the cell's stderr): the child's is shown too
    monkeypatch.setattr(warnings, "showwarning", lambda *a, **k: shown.append(a))
    worker = forked.SectionWorker(_render, ["loud"], parent_folder=tmp_path)
    assert worker.take("loud").startswith("<p>loud")
    assert "printed in the child" in capsys.readouterr().out
    assert [(str(a[0]), a[1]) for a in shown] == [("warned in the child", UserWarning)]


def test_a_section_that_fails_in_the_child_is_built_by_the_kernel(tmp_path):
    worker = forked.SectionWorker(_render, ["boom", "after"], parent_folder=tmp_path)
    assert worker.take("boom") is None  # the kernel builds it again (and shows its error in the cell)
    assert worker.take("after").startswith("<p>after")


def test_a_killed_child_leaves_its_sections_to_the_kernel(tmp_path):
    def slow(key):
        import time

        time.sleep(30)
        return key

    worker = forked.SectionWorker(slow, ["a", "b"], parent_folder=tmp_path)
    os.kill(worker.pid, signal.SIGKILL)
    assert worker.take("a") is None and worker.take("b") is None
    assert not worker.folder.exists()


def test_a_stuck_child_is_killed(tmp_path, monkeypatch):
    monkeypatch.setattr(forked, "STALL_SECONDS", 0.2)

    def stuck(key):
        import time

        time.sleep(60)
        return key

    worker = forked.SectionWorker(stuck, ["a"], parent_folder=tmp_path)
    assert worker.take("a") is None
    with pytest.raises(ChildProcessError):
        os.waitpid(worker.pid, os.WNOHANG)  # reaped


@pytest.mark.skipif(sys.platform != "linux", reason="the report kernel forks on Linux")
def test_a_split_report_shows_exactly_what_one_process_builds(tmp_path, monkeypatch, chinese_style):
    from dealerlab.datasets import load_demo

    ds = load_demo()
    data = tmp_path / "dataset.pkl"
    data.write_bytes(pickle.dumps(ds))
    trend, _ = check_scope(ds, period="2026-10", stores=["S01"], months=6)
    write_shared_figures(ds, data, periods=trend, stores=["S01"])
    keys = [s.key for s in sections.for_scope("store")]

    alone = ReportContext.open(str(data), "2026-10", "S01")
    assert alone._worker is None
    expected = {k: str(alone.section(k)) for k in keys}

    monkeypatch.setitem(report_context._SPLIT, "sections", True)
    split = ReportContext.open(str(data), "2026-10", "S01")
    # the child computes its sections' findings first (the summary ranks them with the kernel's), then the sections
    assert split._worker is not None and split._worker.keys == ["findings", *forked.FORKED_SECTIONS]
    got = {k: str(split.section(k)) for k in keys}
    assert got == expected
    assert split._readings == alone._readings  # the notes template reads them
    assert [repr(f) for f in split.findings()] == [repr(f) for f in alone.findings()]


class _Helper:
    """A kernel stand-in: a thread taking families beside the CLI, or one that took the funnel and then failed."""

    def __init__(self, data, fail=False):
        import threading

        from dealerlab.report import shared

        self.done, self.fail = [], fail
        if fail:
            assert shared._claim(data.resolve(), "funnel")  # taken, never written: the CLI computes it
            return
        self.thread = threading.Thread(target=lambda: self.done.extend(shared.compute_families(data)))
        self.thread.start()

    def wait(self):
        if self.fail:
            return False
        self.thread.join()
        return True


@pytest.mark.parametrize("fail", [False, True])
@pytest.mark.parametrize("stores", [["S01"], ["S01", "S02", "S03"], "split"])
def test_figures_computed_by_two_processes_equal_one_compute(tmp_path, monkeypatch, fail, stores):
    from pandas.testing import assert_frame_equal

    from dealerlab.datasets import load_demo
    from dealerlab.report import shared

    if stores == "split":  # a large group: each family in parts of stores, taken by either process
        monkeypatch.setattr(shared, "CHUNK_STORES", 1)
        stores = ["S01", "S02", "S03"]
    ds = load_demo()
    trend, _ = check_scope(ds, period="2026-10", stores=stores, months=6)
    alone, helped = tmp_path / "a" / "dataset.pkl", tmp_path / "b" / "dataset.pkl"
    for path in (alone, helped):
        path.parent.mkdir()
        path.write_bytes(pickle.dumps(ds))
    shared.write_shared_figures(ds, alone, periods=trend, stores=stores)
    shared.request_families(helped, periods=trend, stores=stores)
    helper = _Helper(helped, fail=fail)
    shared.write_shared_figures(ds, helped, periods=trend, stores=stores, helper=helper)
    a = pickle.loads(alone.with_name(shared.SHARED_NAME).read_bytes())
    b = pickle.loads(helped.with_name(shared.SHARED_NAME).read_bytes())
    assert a.keys() == b.keys()
    for key in ("store", "staff", "group"):
        if key in a:
            assert_frame_equal(a[key], b[key], check_exact=True)
    # every part computed once, by one side or the other
    units = [u for u, _ in shared._units(stores)]
    assert len(units) == len(shared.FAMILY_ORDER) * (1 if shared.CHUNK_STORES >= len(stores) else 3)
    assert all(helped.with_name(f"figures-{u}.claim").exists() for u in units)


def test_a_batch_kernel_does_not_fork_its_store_reports(tmp_path, monkeypatch):
    """In a batch, what a store's sections compute for every store stays in the kernel for the next store."""
    from dealerlab.datasets import load_demo

    ds = load_demo()
    data = tmp_path / "dataset.pkl"
    data.write_bytes(pickle.dumps(ds))
    stores = list(ds.store_ids)
    trend, _ = check_scope(ds, period="2026-10", stores=stores, months=6)
    write_shared_figures(ds, data, periods=trend, stores=stores)
    monkeypatch.setitem(report_context._SPLIT, "sections", True)
    store = ReportContext.open(str(data), "2026-10", stores[0])
    assert store._worker is None
    group = ReportContext.open(str(data), "2026-10", None)  # the group report (the run's last notebook) may
    assert group._worker is not None
    group._worker.close()
    from dealerlab import _batch

    _batch.unregister(store.ds)
