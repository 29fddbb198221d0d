"""journeyscope: design, measure and orchestrate customer journeys across every channel.

The public API is what ``__all__`` lists; a test pins it. The names are loaded lazily (a
module ``__getattr__``, PEP 562): ``import journeyscope`` or importing any of its modules
(the command line, say) loads neither DuckDB, Ibis nor SciPy until a name that needs them
is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from journeyscope.lazy import IBIS_COMPILERS, lazy_names, lazy_reexports

if TYPE_CHECKING:
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

#: Where each public name lives; it is imported from there on first use.
_HOMES: dict[str, str] = {
    "Settings": "journeyscope.config",
    "CatalogueError": "journeyscope.errors",
    "ColumnNotFoundError": "journeyscope.errors",
    "InputFormatError": "journeyscope.errors",
    "JourneyscopeError": "journeyscope.errors",
    "NothingIngestedError": "journeyscope.errors",
    "StoreError": "journeyscope.errors",
    "UnknownEngineError": "journeyscope.errors",
    "Catalogue": "journeyscope.events",
    "ColumnMapping": "journeyscope.events",
    "CsvOptions": "journeyscope.events",
    "IngestReport": "journeyscope.events",
    "Store": "journeyscope.events",
    "draft_catalogue": "journeyscope.events",
    "load_catalogue": "journeyscope.events",
    "StitchReport": "journeyscope.events.identity",
    "stitch": "journeyscope.events.identity",
}

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


__getattr__, __dir__ = lazy_names(globals(), _HOMES)
lazy_reexports(IBIS_COMPILERS)  # each of Ibis's SQL compilers imported when used
