"""The curated public API is pinned: changing it is a decision, not an accident."""

import journeyscope


def test_public_names() -> None:
    assert sorted(journeyscope.__all__) == sorted(
        [
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
    )
    for name in journeyscope.__all__:
        assert hasattr(journeyscope, name)
