"""A mention: what a document names, where, as written, and its one canonical value."""
from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    type: str
    text: str
    canonical: str | None
    extractor: str
    confidence: float
    country: str | None = None  # the issuing or numbering country, where known (documents, phones, plates)

    def overlaps(self, other: Mention) -> bool:
        return self.start < other.end and other.start < self.end


MENTION_FIELDS = [
    pa.field("doc_id", pa.string()),
    pa.field("field", pa.string()),
    pa.field("type", pa.string()),
    pa.field("text", pa.string()),
    pa.field("canonical", pa.string()),
    pa.field("country", pa.string()),
    pa.field("start", pa.int32()),
    pa.field("end", pa.int32()),
    pa.field("extractor", pa.string()),
    pa.field("confidence", pa.float32()),
]
