"""Blank node labels that depend only on the data, so that the same files always give the same bytes.

rdflib names blank nodes at random when it parses, and so does Oxigraph when it loads: without this,
every start served the same data version with new labels, and the downloads' checksums (in DCAT,
citable) changed on every restart. RDF canonicalisation would do it (rdflib.compare), but took 12 s on
the SHACL shapes; the blank nodes Turtle's ``[]`` and ``()`` make have no cycles, and then two passes
over them suffice (about 25 ms on the bundled data).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

from rdflib import BNode
from rdflib.term import Node

Quad = tuple[Node, Node, Node, Node]

MAX_ROUNDS = 256


def stable_labels(quads: Iterable[Quad]) -> dict[BNode, str]:
    """A label for every blank node in ``quads`` (subject, predicate, object, graph), from the quads around it.

    Without cycles: a node's *content* is a hash of what it says (its outgoing quads, with each blank
    object written as its content), computed from the leaves up; its label is a hash of its content and
    of where it is used (the quads that point to it, with each blank subject written as its label),
    computed from the roots down. Nodes that still share a label have the same content and the same
    users, so numbering them in any order gives the same quads. With cycles, see :func:`_refined`.
    """
    quads = list(quads)
    outgoing: dict[BNode, list[Quad]] = defaultdict(list)
    incoming: dict[BNode, list[Quad]] = defaultdict(list)
    nodes: dict[BNode, None] = {}
    for quad in quads:
        s, _p, o, _g = quad
        if isinstance(s, BNode):
            outgoing[s].append(quad)
            nodes[s] = None
        if isinstance(o, BNode):
            incoming[o].append(quad)
            nodes[o] = None
    order = _parents_first(nodes, outgoing)
    if order is None:
        return _refined(quads, nodes)
    content: dict[BNode, str] = {}
    for node in reversed(order):
        content[node] = _digest(f"{q[1].n3()} {content[q[2]] if isinstance(q[2], BNode) else q[2].n3()} {q[3].n3()}"
                                for q in outgoing[node])
    labels: dict[BNode, str] = {}
    taken: dict[str, int] = {}
    for node in order:
        uses = (f"{labels[q[0]] if isinstance(q[0], BNode) else q[0].n3()} {q[1].n3()} {q[3].n3()}" for q in incoming[node])
        labels[node] = _unique(_digest([content[node], *uses]), taken)
    return labels


def _parents_first(nodes: dict[BNode, None], outgoing: dict[BNode, list[Quad]]) -> list[BNode] | None:
    """The blank nodes, each after every blank node that points to it; None when they form a cycle."""
    pointed_to: dict[BNode, int] = dict.fromkeys(nodes, 0)
    for node in nodes:
        for q in outgoing[node]:
            if isinstance(q[2], BNode):
                pointed_to[q[2]] += 1
    ready = [node for node, n in pointed_to.items() if n == 0]
    order: list[BNode] = []
    while ready:
        node = ready.pop()
        order.append(node)
        for q in outgoing[node]:
            if isinstance(q[2], BNode):
                pointed_to[q[2]] -= 1
                if pointed_to[q[2]] == 0:
                    ready.append(q[2])
    return order if len(order) == len(nodes) else None


def _refined(quads: list[Quad], nodes: dict[BNode, None]) -> dict[BNode, str]:
    """Colour refinement, for blank nodes with cycles: slower, and exact except for symmetric cycles.

    A node's colour is a hash of every quad it is in, with each other blank node written as its colour
    of the round before, until no colour splits any more. Nodes of one colour that are not
    interchangeable (only possible in symmetric cycles) may be numbered differently from run to run.
    """
    around: dict[BNode, list[Quad]] = {node: [] for node in nodes}
    for quad in quads:
        for node in {quad[0], quad[2]}:
            if isinstance(node, BNode):
                around[node].append(quad)

    def colour(node: BNode, previous: dict[BNode, str]) -> str:
        def term(t: Node) -> str:
            if t == node:
                return "_:self"
            return "_:" + previous[t] if isinstance(t, BNode) else t.n3()
        return _digest(" ".join(term(t) for t in quad) for quad in around[node])

    colours = dict.fromkeys(nodes, "")
    distinct = 1
    for _ in range(MAX_ROUNDS):
        colours = {node: colour(node, colours) for node in nodes}
        if len(set(colours.values())) == distinct:
            break
        distinct = len(set(colours.values()))
    taken: dict[str, int] = {}
    return {node: _unique(colours[node], taken) for node in nodes}


def _digest(lines: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()[:30]


def _unique(digest: str, taken: dict[str, int]) -> str:
    """``b<digest>``, or ``b<digest>n<k>`` for the k-th node with that digest (numbered as met)."""
    k = taken.get(digest, 0)
    taken[digest] = k + 1
    return f"b{digest}" if k == 0 else f"b{digest}n{k}"
