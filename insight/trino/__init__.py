"""The search surface on a real Trino: the statements and access rules it is given
(``statements``), a local single-node server over the lake (``server``), and the engine that runs
``sql/`` on it as the querying user (``engine``)."""
