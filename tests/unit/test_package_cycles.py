"""No import cycles between mall's top-level packages and modules, layered or not.

The import-linter contract (pyproject.toml) orders the domains; this also covers what it leaves out
(jobs, outbox, the top-level helpers such as mall.ratelimits), where a cycle would creep in unseen.
"""
import grimp
import pytest

from mall.referral import spend


def _top_level_graph():
    graph = grimp.build_graph("mall")
    tops = sorted({".".join(m.split(".")[:2]) for m in graph.modules if m.count(".") >= 1})
    edges = {a: set() for a in tops}
    for a in tops:
        for b in tops:
            if a != b and graph.direct_import_exists(importer=a, imported=b, as_packages=True):
                edges[a].add(b)
    return edges


def _cycles(edges):
    """Pairs (a, b) where b reaches a again: every such pair is part of a cycle."""
    def reach(start):
        seen, todo = set(), [start]
        while todo:
            for nxt in edges[todo.pop()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        return seen

    reachable = {a: reach(a) for a in edges}
    return sorted((a, b) for a in edges for b in edges[a] if a in reachable[b])


def test_no_top_level_package_imports_back_into_its_importer():
    assert _cycles(_top_level_graph()) == []


def test_the_cycle_finder_sees_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [("a", "b"), ("b", "c"), ("c", "a")]


def test_an_unwired_spend_question_fails_loudly(monkeypatch):
    monkeypatch.setattr(spend, "_source", None)
    with pytest.raises(RuntimeError, match="no spend source"):
        spend.spent_with_brand(None, user_id=1, brand_id=1)
