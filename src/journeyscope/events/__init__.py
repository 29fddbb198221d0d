"""Events: the canonical model, the catalogue, readers and the store."""

from journeyscope.events.catalogue import (
    Catalogue,
    draft_catalogue,
    infer_catalogue,
    load_catalogue,
)
from journeyscope.events.readers import CsvOptions, detect_format
from journeyscope.events.schema import COLUMNS, IDENTIFIERS, ColumnMapping
from journeyscope.events.store import IngestReport, Store

__all__ = [
    "COLUMNS",
    "IDENTIFIERS",
    "Catalogue",
    "ColumnMapping",
    "CsvOptions",
    "IngestReport",
    "Store",
    "detect_format",
    "draft_catalogue",
    "infer_catalogue",
    "load_catalogue",
]
