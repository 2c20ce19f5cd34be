"""The duplicate suggestions measured on the labelled set (tests/duplicate_pairs.py): every
telling stored as an appeal through intake, then for each pair, is the one suggested for the
other at the shipped threshold? Precision ≥ 0.9 at recall ≥ 0.8 (issue 15)."""

import pytest

from gonghui.hotline import duplicates
from gonghui.hotline.models import Appeal

from . import duplicate_pairs as P


def load_tellings(operator) -> dict[str, Appeal]:
    """Each telling as an appeal, received at its day (``P.received``)."""
    from gonghui.hotline import services

    out = {}
    for tid, index, case, telling in P.tellings():
        appeal, _created = services.create_appeal(actor=operator, data=P.appeal_data(case, telling))
        Appeal.objects.filter(pk=appeal.pk).update(received_at=P.received(case, index))
        out[tid] = appeal
    for a in Appeal.objects.filter(pk__in=[a.pk for a in out.values()]):
        out[next(t for t, x in out.items() if x.pk == a.pk)] = a
    return out


def measure(viewer, appeals: dict[str, Appeal], limit: int = 10) -> dict:
    """Precision and recall over ``P.PAIRS``: a pair is predicted a duplicate when either
    appeal is among the other's suggestions."""
    suggested = {
        tid: {s.appeal.pk for s in duplicates.suggest_duplicates(viewer, appeal=a, limit=limit)}
        for tid, a in appeals.items()
    }
    tp = fp = fn = 0
    errors = []
    for a, b, label in P.PAIRS:
        predicted = appeals[a].pk in suggested[b] or appeals[b].pk in suggested[a]
        tp += predicted and label
        fp += predicted and not label
        fn += label and not predicted
        if predicted != label:
            errors.append((a, b, label))
    return {
        "pairs": len(P.PAIRS), "positives": len(P.POSITIVES), "tp": tp, "fp": fp, "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else 0.0, "recall": tp / (tp + fn),
        "errors": errors,
    }  # fmt: skip


def test_the_labelled_set_is_big_and_varied():
    assert len(P.PAIRS) >= 300
    assert len(P.POSITIVES) >= 150 and len(P.NEGATIVES) >= 150
    texts = [t.text for c in P.CASES for t in c.tellings]
    assert len(set(texts)) == len(texts)  # no telling repeated word for word


@pytest.mark.django_db
def test_precision_and_recall_on_the_labelled_set(operator):
    appeals = load_tellings(operator)
    m = measure(operator, appeals)
    print(f"duplicates: {m['pairs']} pairs, precision {m['precision']:.3f}, "
          f"recall {m['recall']:.3f}, errors {m['errors'][:20]}")  # fmt: skip
    assert m["precision"] >= 0.9, m["errors"]
    assert m["recall"] >= 0.8, m["errors"]
