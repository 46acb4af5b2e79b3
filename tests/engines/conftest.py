"""Fixtures for cross-engine tests: one pandas frame, the same data on every engine.

``frame_on`` converts a pandas frame to the engine named by the ``engine``
parameter: pandas, Polars (eager and lazy), a DuckDB relation, and a PySpark
DataFrame on a local Spark (``local[2]``). The Spark cases carry the ``spark``
marker and are skipped, with the reason, only when pyspark is not installed.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from typing import Any

import duckdb
import pandas as pd
import polars as pl
import pytest

HAS_PYSPARK = importlib.util.find_spec("pyspark") is not None
NO_PYSPARK = "pyspark is not installed (pip install 'clientalytics[pyspark]')"

#: Engines every cross-engine test runs on; "spark-ntz" loads dates as TIMESTAMP_NTZ.
ENGINES = ["pandas", "polars", "polars-lazy", "duckdb", "spark", "spark-ntz"]


def pytest_configure(config: pytest.Config) -> None:
    # PySpark 4 warns once that it has not been certified with pandas 3; the tests
    # below check the numbers themselves.
    config.addinivalue_line(
        "filterwarnings", "ignore:PySpark does not yet fully support pandas:FutureWarning"
    )


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    """One local Spark for the whole test session (2 cores, small shuffles, no UI).

    The driver, which is also the executor in local mode, gets 2 GB: with 1 GB the
    whole suite filled the old generation and a task stalled.
    """
    if not HAS_PYSPARK:
        pytest.skip(NO_PYSPARK)
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("clientalytics-tests")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _spark_frame(session: Any, frame: pd.DataFrame, *, ntz: bool) -> Any:
    from pyspark.sql import functions as F

    sdf = session.createDataFrame(frame)
    if ntz:
        for name, dtype in frame.dtypes.items():
            if pd.api.types.is_datetime64_any_dtype(dtype):
                sdf = sdf.withColumn(str(name), F.col(str(name)).cast("timestamp_ntz"))
    return sdf


@pytest.fixture(
    params=[
        pytest.param(name, marks=[pytest.mark.spark] if name.startswith("spark") else [])
        for name in ENGINES
    ]
)
def engine(request: pytest.FixtureRequest) -> str:
    """Name of the engine a test runs on."""
    return str(request.param)


@pytest.fixture
def frame_on(engine: str, request: pytest.FixtureRequest) -> Callable[[pd.DataFrame], Any]:
    """Return a function putting a pandas frame on the engine under test."""
    if engine == "pandas":
        return lambda frame: frame
    if engine == "polars":
        return pl.from_pandas
    if engine == "polars-lazy":
        return lambda frame: pl.from_pandas(frame).lazy()
    if engine == "duckdb":
        connection = duckdb.connect()
        request.addfinalizer(connection.close)
        return lambda frame: connection.from_df(frame)
    session = request.getfixturevalue("spark_session")
    return lambda frame: _spark_frame(session, frame, ntz=engine == "spark-ntz")
