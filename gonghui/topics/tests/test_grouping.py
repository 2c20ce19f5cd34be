"""Grouping on planted months (no database): topics of known sizes found, pure and ranked."""

from collections import Counter

import pytest

from gonghui.topics import grouping

from . import planted

CATS = {planted.WAGE: 1, planted.INSURANCE: 2, planted.STATION: 3, planted.NEWFORM: 4}


def _found(seed=7, sizes=None):
    data = planted.month_rows(CATS, seed=seed, sizes=sizes)
    truth = {r["id"]: name for name, r in data}
    groups = grouping.group_month([r for _, r in data])
    return groups, [Counter(truth[r["id"]] for r in g.rows) for g in groups]


def test_the_planted_topics_are_found_with_their_sizes_and_ranked():
    groups, labels = _found()
    assert [(g.size, dict(c)) for g, c in zip(groups, labels, strict=True)] == [
        (30, {"construction": 30}),
        (20, {"restaurant": 20}),
        (12, {"courier_insurance": 12}),
        (5, {"station_heating": 5}),
    ]
    # two wage topics in one category are told apart by their words
    assert groups[0].category_id == groups[1].category_id == CATS[planted.WAGE]
    assert {"农民工", "工地"} <= set(groups[0].key_terms)
    assert {"服务员"} <= set(groups[1].key_terms)
    # the varied texts about one employer are one topic because of the employer
    assert groups[2].employer_name == "北京某某速递有限公司"
    assert groups[2].employer_key == "name:北京某某速递有限公司"


@pytest.mark.parametrize("seed", range(20))
def test_other_wordings_never_mix_topics_and_keep_the_ranking(seed):
    groups, labels = _found(seed)
    assert all(len(c) == 1 and "noise" not in c for c in labels)  # every topic pure
    assert [c.most_common(1)[0][0] for c in labels[:4]] == list(planted.TOPICS)
    for (name, (_cat, size, _e, _s)), g in zip(planted.TOPICS.items(), groups, strict=False):
        assert g.size >= 0.6 * size, name  # recall: at worst 3 of the 5 station appeals


def test_noise_alone_makes_no_topic():
    rows = [planted.row(i, CATS[c], text, "") for i, (c, text) in enumerate(planted.NOISE)]
    assert grouping.group_month(rows) == []


def test_tokens_drop_names_places_numbers_and_stop_words():
    words = grouping.tokens("张三反映朝阳区某工地拖欠农民工工资3个月，两个人")
    assert "农民工" in words and "工资" in words
    assert not {"张三", "朝阳区", "3", "两个", "反映"} & set(words)


def test_the_matcher_needs_the_category_and_two_key_terms_or_the_employer():
    terms = ["农民工", "工地", "拖欠"]
    on = planted.row(1, 1, "工地拖欠农民工工资", "")
    assert grouping.matches(on, category_id=1, key_terms=terms)
    assert not grouping.matches(on, category_id=2, key_terms=terms)
    one_term = planted.row(2, 1, "饭店拖欠工资", "")
    assert not grouping.matches(one_term, category_id=1, key_terms=terms)
    employer = planted.row(3, 1, "不发工钱", "某某建筑（北京）公司")
    key = "name:某某建筑北京公司"
    assert grouping.matches(employer, category_id=1, key_terms=terms, employer=key)


def test_the_same_place_links_a_looser_wording_than_elsewhere():
    """Place is a grouping signal: two texts whose cosine lies between PLACE_LINK_COSINE and
    LINK_COSINE are one group when they happened in the same district, two otherwise."""
    import math

    import numpy as np
    from scipy.sparse import csr_matrix

    c = (grouping.PLACE_LINK_COSINE + grouping.LINK_COSINE) / 2
    matrix = csr_matrix(np.array([[1.0, 0.0], [c, math.sqrt(1 - c * c)]]))
    same = grouping._components(matrix, ["", ""], [7, 7])
    apart = grouping._components(matrix, ["", ""], [7, 8])
    assert same[0] == same[1]
    assert apart[0] != apart[1]
    assert grouping.PLACE_LINK_COSINE < grouping.LINK_COSINE
