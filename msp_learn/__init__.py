"""msp_learn: a training and reflective-learning kit for Making Safeguarding Personal."""

from msp_learn._version import __version__

__all__ = ["__version__"]
