"""The asset keys of the trained models, shared by the asset modules and the automation.

Here rather than in ``assets/extract.py`` or ``assets/resolve.py`` so that no asset module imports
another (as ``assets/bronze.py`` for the bronze tables).
"""
from __future__ import annotations

import dagster as dg

NER_MODEL = dg.AssetKey(["models", "ner"])  # the tagger extraction reads
PERSON_MODEL = dg.AssetKey(["models", "persons"])  # the person model resolution reads
