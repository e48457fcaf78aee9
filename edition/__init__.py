"""edition: a plain-text essay to a critical edition (TEI P5, print PDF, EPUB 3)."""

__version__ = "0.1.0"
