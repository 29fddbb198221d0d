"""journeyscope: design, measure and orchestrate customer journeys across every channel.

The public API is what ``__all__`` lists; a test pins it.
"""

from journeyscope.config import Settings
from journeyscope.errors import (
    CatalogueError,
    ColumnNotFoundError,
    InputFormatError,
    JourneyscopeError,
    NothingIngestedError,
    StoreError,
    UnknownEngineError,
)
from journeyscope.events import (
    Catalogue,
    ColumnMapping,
    CsvOptions,
    IngestReport,
    Store,
    draft_catalogue,
    load_catalogue,
)
from journeyscope.events.identity import StitchReport, stitch

__version__ = "0.1.0"

__all__ = [
    "Catalogue",
    "CatalogueError",
    "ColumnMapping",
    "ColumnNotFoundError",
    "CsvOptions",
    "IngestReport",
    "InputFormatError",
    "JourneyscopeError",
    "NothingIngestedError",
    "Settings",
    "StitchReport",
    "Store",
    "StoreError",
    "UnknownEngineError",
    "__version__",
    "draft_catalogue",
    "load_catalogue",
    "stitch",
]
