"""The kit's own content set covers every term it must, and meets the content-set rules."""

from msp_learn.content.lint import content_set_problems
from msp_learn.coverage import coverage, render
from tests.conftest import kit_catalogue

CATALOGUE = kit_catalogue()


def test_nothing_is_uncovered():
    """Does some item cover every abuse category, principle, toolkit section, MCA principle
    and situation (`msp-learn coverage`)?"""
    cov = coverage(CATALOGUE)
    assert cov.uncovered() == [], render(cov)


def test_case_studies_meet_the_content_set_rules():
    """At least 3 nodes and 3 endings each, with endings that differ in both outcome measures."""
    problems = [str(p) for f in CATALOGUE.files if f.item is not None
                for p in content_set_problems(f.path, f.item, f.located)]
    assert problems == []
