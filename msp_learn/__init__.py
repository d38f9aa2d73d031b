"""msp_learn: a training and reflective-learning kit for Making Safeguarding Personal."""

from msp_learn._version import __version__

__all__ = ["__version__", "show_case_study", "show_journal", "show_quiz", "show_risk"]


def __getattr__(name: str):
    """The notebook helpers, imported on first use so the CLI stays free of ipywidgets."""
    if name in ("show_case_study", "show_journal", "show_quiz", "show_risk"):
        from msp_learn import apps

        return getattr(apps, name)
    raise AttributeError(name)
