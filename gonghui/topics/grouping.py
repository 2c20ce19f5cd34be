"""Grouping a month's appeals into topics, and the one rule for "appeals on this topic".

Pure functions over the rows of ``hotline.selectors.month_appeals`` (no database here), so the
grouping can be tested and measured on its own.

Grouping: within each category, each appeal's text is cut into words (rjieba; docs/decisions.md
D29), single characters, numbers, stop words and place and person names dropped, and weighted
by TF-IDF (the IDF of the category's own appeals, so words every appeal of the category shares
weigh little). Two appeals
are linked when the cosine of their vectors is at least ``LINK_COSINE``, or at least
``PLACE_LINK_COSINE`` when they happened in the same place (district), or when they name the
same employer (credit code, else normalised name); an appeal linked to none joins the group
of its most similar grouped appeal (cosine ≥ ``ATTACH_COSINE``); a topic is a group of at least
``MIN_SIZE`` appeals. Its key terms are the words most of the group uses and the rest of the
category does not (share inside the group minus share outside).

Matching (``matches``): an appeal is on a topic when it is in the topic's category and the
words of its text include at least two of the topic's key terms (one when the topic has a
single term), or it names the topic's employer. The same rule counts the previous month's
volume and the months after adoption (docs/topics.md).
"""

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
import rjieba
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from gonghui.hotline.employers import normalise_name

LINK_COSINE = 0.45  # all tuned on planted months (tests/test_grouping.py, docs/topics.md)
PLACE_LINK_COSINE = 0.42  # the same problem told in other words, in the same place
ATTACH_COSINE = 0.3
MIN_SIZE = 3  # fewer appeals are not a topic
KEY_TERMS = 5
MATCH_TERMS = 2
BLOCK = 500  # rows of the similarity product computed at once (bounded memory)

_STOP_TEXT = (
    "我们 你们 他们 她们 自己 这个 那个 这些 那些 这样 那样 什么 怎么 如何 为什么 已经 "
    "现在 一直 还是 但是 而且 因为 所以 如果 可以 没有 不是 就是 还有 一下 一些 一个 "
    "一起 希望 要求 反映 来电 诉求 市民 职工 本人 请求 帮助 帮忙 处理 解决 问题 情况 "
    "相关 部门 单位 公司 工会 咨询 了解 表示 称其 目前 之前 以后 时候 今天 昨天 明天 "
    "每天 多次 很多 非常 比较 对方 进行 出现 需要 只能 不能 不给 不想 知道"
)
STOP_WORDS = frozenset(_STOP_TEXT.split())
# punctuation, numbers, Latin letters; counts and spans of time ("两个", "三个月", "几次")
_NAME_TAGS = ("ns", "nr", "m")
_SKIP = re.compile(r"^([\W\d_a-zA-Z]+|[一二三四五六七八九十百千万两几半多个月年天次周号]+)$")


def tokens(text: str) -> list[str]:
    """The words of ``text`` that can carry a topic: two characters or more, no stop words,
    numbers or punctuation, and no place or person names (rjieba's ``ns``/``nr`` tags) — the
    place is grouped by the appeal's district, and a name must not become a key term."""
    return [
        w
        for w, tag in rjieba.tag(text or "")
        if len(w) >= 2
        and not tag.startswith(_NAME_TAGS)
        and w not in STOP_WORDS
        and not _SKIP.match(w)
    ]


def employer_key(row: dict) -> str:
    """``code:<credit code>``, else ``name:<normalised name>``, else ``""``."""
    code = (row.get("employer_credit_code") or "").strip().upper()
    if code:
        return f"code:{code}"
    name = normalise_name(row.get("employer_name") or "")
    return f"name:{name}" if name else ""


@dataclass
class Group:
    category_id: int
    rows: list[dict]
    key_terms: list[str]
    employer_key: str = ""
    employer_name: str = ""
    weights: dict[str, float] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.rows)


def _vectors(docs: list[list[str]]):
    """Row-normalised TF-IDF matrix of ``docs`` and its vocabulary."""
    vocab: dict[str, int] = {}
    df: Counter = Counter()
    for doc in docs:
        for w in set(doc):
            df[w] += 1
            vocab.setdefault(w, len(vocab))
    n = len(docs)
    idf = {w: math.log((1 + n) / (1 + c)) + 1 for w, c in df.items()}
    data, cols, ptr = [], [], [0]
    for doc in docs:
        counts = Counter(doc)
        weights = {w: c * idf[w] for w, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        for w, v in weights.items():
            cols.append(vocab[w])
            data.append(v / norm)
        ptr.append(len(cols))
    matrix = csr_matrix((data, cols, ptr), shape=(n, max(len(vocab), 1)), dtype=np.float64)
    return matrix, vocab


def _components(matrix, employer_keys: list[str], places=None) -> np.ndarray:
    """Group labels: connected groups of links (cosine ≥ ``LINK_COSINE``, ≥
    ``PLACE_LINK_COSINE`` in the same place, or the same employer), then each appeal left
    alone joins the group of its nearest grouped appeal, when at least ``ATTACH_COSINE`` — so
    a loosely worded appeal joins a topic without chaining two topics together through it (it
    joins one group, never links two)."""
    n = matrix.shape[0]
    place = np.asarray(places if places is not None else [None] * n, dtype=object)
    rows, cols = [], []
    for start in range(0, n, BLOCK):
        sims = (matrix[start : start + BLOCK] @ matrix.T).tocoo()
        here = place[sims.row + start]
        same_place = (here == place[sims.col]) & (here != None)  # noqa: E711 - elementwise
        keep = (sims.data >= LINK_COSINE) | (same_place & (sims.data >= PLACE_LINK_COSINE))
        rows.extend((sims.row[keep] + start).tolist())
        cols.extend(sims.col[keep].tolist())
    first: dict[str, int] = {}
    for i, key in enumerate(employer_keys):
        if key:
            j = first.setdefault(key, i)
            if j != i:
                rows.append(i)
                cols.append(j)
    graph = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    labels = connected_components(graph, directed=False)[1]
    sizes = np.bincount(labels)
    in_core = sizes[labels] >= 2
    alone = np.flatnonzero(~in_core)
    if not in_core.any() or not len(alone):
        return labels
    found = labels.copy()
    for start in range(0, len(alone), BLOCK):
        block = alone[start : start + BLOCK]
        sims = (matrix[block] @ matrix.T).toarray()
        sims[:, ~in_core] = 0.0
        best = sims.argmax(axis=1)
        for k, i in enumerate(block):
            if sims[k, best[k]] >= ATTACH_COSINE:
                found[i] = labels[best[k]]
    return found


def group_month(rows: list[dict]) -> list[Group]:
    """The topics among a month's appeal rows, largest first (ties: category, first appeal)."""
    by_category: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_category[row["category_id"]].append(row)
    groups: list[Group] = []
    for category_id, items in by_category.items():
        if len(items) < MIN_SIZE:
            continue
        docs = [tokens(r["content"]) for r in items]
        matrix, vocab = _vectors(docs)
        keys = [employer_key(r) for r in items]
        labels = _components(matrix, keys, [r.get("district_id") for r in items])
        members: dict[int, list[int]] = defaultdict(list)
        for i, label in enumerate(labels):
            members[label].append(i)
        terms = list(vocab)
        for idx in members.values():
            if len(idx) < MIN_SIZE:
                continue
            # key terms: words common in the group and rare in the rest of the category
            inside = np.asarray((matrix[idx] > 0).mean(axis=0)).ravel()
            rest = np.setdiff1d(np.arange(len(items)), idx)
            outside = np.asarray((matrix[rest] > 0).mean(axis=0)).ravel() if len(rest) else 0
            weight = inside - outside
            order = np.argsort(-weight, kind="stable")
            top = [terms[k] for k in order[:KEY_TERMS] if weight[k] > 0]
            common = Counter(keys[i] for i in idx if keys[i]).most_common(1)
            employer, name = "", ""
            if common and common[0][1] * 2 >= len(idx):  # most of the group names one employer
                employer = common[0][0]
                name = next(items[i]["employer_name"] for i in idx if keys[i] == employer)
            groups.append(
                Group(
                    category_id=category_id,
                    rows=[items[i] for i in idx],
                    key_terms=top,
                    employer_key=employer,
                    employer_name=(name or "").strip(),
                    weights={terms[k]: float(weight[k]) for k in order[:KEY_TERMS]},
                )
            )
    groups.sort(key=lambda g: (-g.size, g.category_id, g.rows[0]["id"]))
    return groups


def matches(row: dict, *, category_id: int, key_terms: list[str], employer: str = "") -> bool:
    """Whether an appeal row is on a topic: the topic's category and at least two of its key
    terms among the words of its text (``tokens``, as grouped: "工资" is not found in "月工资"),
    one for a one-term topic; or the topic's employer."""
    if row["category_id"] != category_id:
        return False
    if employer and employer_key(row) == employer:
        return True
    if not key_terms:
        return False
    words = row.get("_words")
    if words is None:  # the row's words, cut once however many topics ask
        words = row["_words"] = frozenset(tokens(row["content"]))
    need = min(MATCH_TERMS, len(key_terms))
    return sum(1 for t in key_terms if t in words) >= need
