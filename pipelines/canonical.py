"""Canonical forms as Spark column functions, for every stage that applies them to a whole column.

Extraction and resolution both compare names as ``canonical_name`` writes them; the UDF lives
here, below both, so that neither imports a later stage for it.
"""
from __future__ import annotations

import pandas as pd
from pyspark.sql import functions as F
from pyspark.sql.types import StringType

from pipelines.identifiers.name import canonical_name


@F.pandas_udf(StringType())
def canonical_names(text: pd.Series) -> pd.Series:
    """Names as compared across sources (see ``canonical_name``)."""
    return text.map(lambda t: None if t is None else canonical_name(t))
