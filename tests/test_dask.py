"""The corpus on a real local Dask cluster (two worker processes) gives the same tables."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

import helpers

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def texts(tmp_path_factory, seed_path):
    folder = tmp_path_factory.mktemp("dask_corpus")
    for i in range(3):
        shutil.copy(seed_path, folder / f"seed_{i}.txt")
    (folder / "z_empty.txt").write_bytes(b"")
    return [folder, folder / "missing.txt"]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0",
        scheduler_port=0, silence_logs=40,
    ) as local:
        yield local


@pytest.fixture(scope="module")
def local_result(texts):
    return helpers.analyze_corpus(texts, workers=1, progress=False)


def _same(a, b):
    for name, table in a.tables().items():
        pd.testing.assert_frame_equal(b[name], table, obj=name)


def test_cluster_with_client_gives_the_same_tables(cluster, texts, local_result):
    with distributed.Client(cluster, timeout="30s") as client:
        result = helpers.analyze_corpus(texts, scheduler=client, progress=False)
        assert len(client.scheduler_info()["workers"]) == 2
    assert len(result.documents) == 3 and len(result.failures) == 2
    _same(local_result, result)


def test_cluster_by_address(cluster, texts, local_result):
    result = helpers.analyze_corpus_dask(texts, cluster.scheduler_address, progress=False,
                                         partition_size=1)
    _same(local_result, result)


def test_dask_local_scheduler_name(texts, local_result):
    result = helpers.analyze_corpus(texts, scheduler="synchronous", progress=False)
    _same(local_result, result)


def test_texts_sent_from_the_client_need_no_shared_files(cluster, texts, local_result):
    result = helpers.analyze_corpus(texts, scheduler=cluster.scheduler_address, progress=False,
                                    send_texts=True)
    _same(local_result, result)


def test_sent_texts_are_not_read_again_by_the_workers(monkeypatch, texts, local_result):
    from helpers import corpus

    def no_files(*args, **kwargs):
        raise AssertionError("a worker tried to read a file")

    monkeypatch.setattr(corpus, "load_document", no_files)
    result = helpers.analyze_corpus(texts, scheduler="synchronous", progress=False,
                                    send_texts=True)
    _same(local_result, result)


def test_the_default_client_is_used_and_survives_dead_workers(monkeypatch, cluster, texts,
                                                              local_result):
    from helpers import corpus

    used = []
    real = corpus._on_cluster
    monkeypatch.setattr(corpus, "_on_cluster", lambda client, *a: used.append(client)
                        or real(client, *a))
    with distributed.Client(cluster, timeout="30s") as client:  # the session's default
        result = helpers.analyze_corpus_dask(texts, progress=False)
    assert used == [client]  # on the cluster, where a dead worker costs only its text
    _same(local_result, result)


def test_dask_processes_run_on_the_package_pool(monkeypatch, texts, local_result):
    from helpers import corpus

    used = []
    real = corpus._on_processes
    monkeypatch.setattr(corpus, "_on_processes", lambda *a: used.append(a[1]) or real(*a))
    result = helpers.analyze_corpus(texts, scheduler="processes", progress=False)
    assert used and used[0] >= 1  # the pool that survives a dead worker
    _same(local_result, result)
