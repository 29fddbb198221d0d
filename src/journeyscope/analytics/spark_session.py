"""The process's Spark session: created on first use with journeyscope's defaults (UTC, no
UI, few shuffle partitions, a driver that exits when out of memory), and started afresh
after its driver has exited."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from journeyscope.analytics.spark_compiler import adapt_spark_compiler

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

SPARK_DEFAULTS = {
    "spark.sql.session.timeZone": "UTC",
    # a driver out of memory exits (code 3) instead of losing the thread that serves a result
    # to Python, which then waited on it forever; see SparkDriverLostError
    "spark.driver.extraJavaOptions": "-Duser.timezone=UTC -XX:+ExitOnOutOfMemoryError",
    "spark.executor.extraJavaOptions": "-Duser.timezone=UTC",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


def spark_session(master: str = "local[2]", conf: dict[str, str] | None = None) -> SparkSession:
    """The process's SparkSession (created on first use) at ``master``: :data:`SPARK_DEFAULTS`
    (UTC, no UI, few shuffle partitions) overridden by ``conf``. Spark keeps one session per
    process, so ``master`` and ``conf`` take effect when the first one is created (or the
    first after the driver has exited: a new driver is started then)."""
    from pyspark.sql import SparkSession

    _forget_a_stopped_driver()
    adapt_spark_compiler()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder: Any = SparkSession.builder.master(master).appName("journeyscope")
    for key, value in spark_conf(conf).items():
        builder = builder.config(key, value)
    session: SparkSession = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _forget_a_stopped_driver() -> None:
    """If the process's Spark driver has exited (out of memory: see
    :class:`~journeyscope.errors.SparkDriverLostError`), forget its session, context and
    gateway, so the next ``getOrCreate`` starts a new driver instead of handing back the dead
    one (PySpark keeps them in class attributes for the life of the process; a long-running
    process, the web server, could otherwise run no analysis on Spark again)."""
    from pyspark.core.context import SparkContext
    from pyspark.sql import SparkSession, SQLContext

    session = SparkSession._instantiatedSession
    if session is None or spark_driver_exit(session) is None:
        return
    # what SparkContext.stop() does, less the call to the JVM, which is gone
    context: Any = session.sparkContext
    context._jsc = None
    accumulators = getattr(context, "_accumulatorServer", None)
    if accumulators is not None:
        accumulators.shutdown()
        context._accumulatorServer = None
    SparkContext._active_spark_context = None
    gateway = SparkContext._gateway
    if gateway is not None:
        gateway.close()
    SparkContext._gateway = None
    SparkContext._jvm = None
    SparkSession._instantiatedSession = None
    SparkSession._activeSession = None
    SQLContext._instantiatedContext = None


#: Java options journeyscope's Spark driver needs whatever else a user sets there.
_DRIVER_JAVA_OPTIONS: Final = SPARK_DEFAULTS["spark.driver.extraJavaOptions"]


def spark_conf(conf: Mapping[str, str] | None = None) -> dict[str, str]:
    """:data:`SPARK_DEFAULTS` overridden by ``conf``, except that the driver's own Java
    options (UTC, exit when out of memory) are kept before any a user adds.

    >>> spark_conf({"spark.driver.extraJavaOptions": "-Xss4m"})["spark.driver.extraJavaOptions"]
    '-Duser.timezone=UTC -XX:+ExitOnOutOfMemoryError -Xss4m'
    """
    merged = SPARK_DEFAULTS | dict(conf or {})
    key = "spark.driver.extraJavaOptions"
    if merged[key] != _DRIVER_JAVA_OPTIONS:
        merged[key] = f"{_DRIVER_JAVA_OPTIONS} {merged[key]}".strip()
    return merged


def spark_driver_exit(session: SparkSession, wait: float = 0.0) -> int | None:
    """The exit code of the driver's JVM if it has stopped (3: out of memory), waiting up to
    ``wait`` seconds for it, else None. Known where PySpark started the JVM (local mode, or
    a driver run by this process on a cluster)."""
    import subprocess

    proc = getattr(getattr(session.sparkContext, "_gateway", None), "proc", None)
    if proc is None:
        return None
    try:
        code: int | None = proc.wait(timeout=wait) if wait else proc.poll()
    except subprocess.TimeoutExpired:
        return None
    return code
