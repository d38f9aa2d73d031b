"""Loading and validating content files: YAML with positions, schemas, graph checks."""

from msp_learn.content.loader import Catalogue, LoadedFile, discover, load_file, load_paths
from msp_learn.content.problems import Problem

__all__ = ["Catalogue", "LoadedFile", "Problem", "discover", "load_file", "load_paths",
           "load_default"]


def load_default() -> Catalogue:
    """The kit's own content (see :mod:`msp_learn.paths`)."""
    from msp_learn.paths import content_paths

    return load_paths(content_paths())
