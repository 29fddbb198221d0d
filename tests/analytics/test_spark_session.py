"""The process's Spark session (analytics/spark_session.py): its settings. Starting one, and
starting it afresh after its driver exited, run in tests/analytics/test_spark_engine.py and
test_backends.py (they need a JVM)."""

from __future__ import annotations

from journeyscope.analytics.spark_session import SPARK_DEFAULTS, spark_conf


def test_spark_settings_keep_the_drivers_own_java_options_first() -> None:
    assert spark_conf() == SPARK_DEFAULTS and spark_conf() is not SPARK_DEFAULTS
    merged = spark_conf({"spark.driver.memory": "4g", "spark.sql.shuffle.partitions": "8"})
    assert merged["spark.driver.memory"] == "4g" and merged["spark.sql.shuffle.partitions"] == "8"
    assert merged["spark.sql.session.timeZone"] == "UTC"
    java = spark_conf({"spark.driver.extraJavaOptions": "-Xss4m"})["spark.driver.extraJavaOptions"]
    assert java == f"{SPARK_DEFAULTS['spark.driver.extraJavaOptions']} -Xss4m"
    same = {"spark.driver.extraJavaOptions": SPARK_DEFAULTS["spark.driver.extraJavaOptions"]}
    assert spark_conf(same) == SPARK_DEFAULTS
    mine = spark_conf({"spark.driver.extraJavaOptions": "-Xss4m", "spark.driver.memory": "4g"})
    assert mine["spark.driver.extraJavaOptions"].split() == [
        "-Duser.timezone=UTC",
        "-XX:+ExitOnOutOfMemoryError",
        "-Xss4m",
    ]
