"""A standalone Spark cluster on localhost — one master, one worker, started from the PySpark
distribution as Spark's ``sbin/start-master.sh`` and ``start-worker.sh`` start them — runs an
analysis from the command line (``JOURNEYSCOPE_SPARK_MASTER=spark://…``) with DuckDB's
result, and the master's log shows the application ran on it.

The pip distribution of PySpark carries ``bin/spark-class`` but not ``sbin/start-master.sh``
or ``start-worker.sh``; those scripts only wrap ``spark-class
org.apache.spark.deploy.master.Master`` (and ``...worker.Worker``) in a daemon, so the test
starts the same classes directly. Both are stopped however the test ends.

The analysis runs in a child process: Spark keeps one session per process, and the test
session's own is in local mode. Slow: two JVMs start, then the driver's.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from journeyscope import synthetic

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent


def _wait_for(log: Path, text: str, process: subprocess.Popen[bytes]) -> None:
    """Until ``text`` is in ``log``; fails with the log's tail when the process ends first
    (the suite's hang guard bounds a daemon that neither starts nor dies)."""
    while text not in log.read_text(errors="replace"):
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            pytest.fail(f"{log.name}: exited {process.returncode} before {text!r}:\n{tail}")
        time.sleep(0.5)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``(master URL, master log)`` of a master and one worker (2 cores, 1 GiB) on localhost."""
    home = _spark_home()
    env = {
        **os.environ,
        "SPARK_HOME": str(home),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_MASTER_OPTS": "-Dspark.master.rest.enabled=false",
    }
    port = _free_port()
    url = f"spark://127.0.0.1:{port}"
    spark_class = str(home / "bin" / "spark-class")
    started: list[subprocess.Popen[bytes]] = []
    master_log, worker_log = tmp_path / "master.log", tmp_path / "worker.log"
    try:
        with master_log.open("wb") as out:
            master = subprocess.Popen(
                [spark_class, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                 "--port", str(port), "--webui-port", str(_free_port())],
                stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True,
            )  # fmt: skip
        started.append(master)
        _wait_for(master_log, "I have been elected leader", master)
        with worker_log.open("wb") as out:
            worker = subprocess.Popen(
                [spark_class, "org.apache.spark.deploy.worker.Worker", url, "--cores", "2",
                 "--memory", "1g", "--webui-port", str(_free_port()),
                 "--work-dir", str(tmp_path / "work")],
                stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True,
            )  # fmt: skip
        started.append(worker)
        _wait_for(worker_log, "Successfully registered with master", worker)
        yield url, master_log
    finally:
        for process in reversed(started):
            _stop(process)


def _dfg(engine: str, source: Path, env: dict[str, str]) -> object:
    done = subprocess.run(
        [sys.executable, "-m", "journeyscope", "--source", f"parquet:{source}", "dfg",
         "--engine", engine, "--json"],
        capture_output=True, text=True, env=env, cwd=source.parent, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.spark
@pytest.mark.slow
def test_an_analysis_on_a_standalone_cluster_equals_duckdb(
    cluster: tuple[str, Path], tmp_path: Path
) -> None:
    url, master_log = cluster
    source = tmp_path / "events.parquet"
    pq.write_table(synthetic.generate(300, seed=2), source)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "JOURNEYSCOPE_SPARK_MASTER": url,
        # the worker offers 1 GiB: ask for less per executor than Spark's default of 1 GiB
        "JOURNEYSCOPE_SPARK_CONF": '{"spark.executor.memory": "512m"}',
    }
    on_cluster = _dfg("spark", source, env)
    assert on_cluster == _dfg("duckdb", source, env)
    log = master_log.read_text(errors="replace")
    assert "Registered app journeyscope" in log  # it ran on the cluster, not in local mode
    assert "Launching executor" in log
