"""The shared vocabularies load whole: every term has a label and nothing was split off."""

from msp_learn.vocab import reflection_stages, vocabularies


def test_every_term_is_well_formed():
    for vocab in vocabularies().values():
        assert vocab.terms, vocab.name
        for term in vocab:
            assert isinstance(term.label, str) and term.label.strip(), (vocab.name, term.id)
            assert None not in term.extra.values(), (vocab.name, term.id)


def test_required_vocabularies_have_their_sizes():
    sizes = {name: len(v.terms) for name, v in vocabularies().items()}
    assert sizes["principles"] == 6 and sizes["abuse_categories"] == 10
    assert sizes["mca_principles"] == 5 and sizes["toolkit_sections"] == 3
    assert reflection_stages("gibbs")[0] == "description" and len(reflection_stages("kolb")) == 4


def test_labels_with_commas_survive():
    label = vocabularies()["risk_responses"].label("share-without-consent")
    assert label.endswith("and record why")
