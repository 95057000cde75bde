"""Blank node labels come from the data: the same files give the same quads, whatever the parser named them."""

from __future__ import annotations

import random

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef

from talentkg.blank_nodes import stable_labels

G = URIRef("urn:g")

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <urn:ex:> .
ex:A sh:property [ sh:path ex:p ; sh:minCount 1 ] , [ sh:path ex:p ; sh:minCount 1 ] ;
     sh:or ( [ sh:datatype ex:d ] [ sh:class ex:C ] [ sh:datatype ex:d ] ) .
ex:B sh:property [ sh:path ex:p ; sh:minCount 1 ] .
[ ex:root true ] . [ ex:root true ] .
"""

CYCLE = """
@prefix ex: <urn:ex:> .
_:x ex:next _:y . _:y ex:next _:z . _:z ex:next _:x . _:x ex:name "x" .
ex:a ex:loop _:s . _:s ex:self _:s .
"""


def quads(text: str, shuffle: int | None = None) -> list[tuple]:
    """``text`` parsed by rdflib (which names blank nodes at random), in some order."""
    out = [(*t, G) for t in Graph().parse(data=text, format="turtle")]
    if shuffle is not None:
        random.Random(shuffle).shuffle(out)
    return out


def labelled(text: str, shuffle: int | None = None) -> set[str]:
    """The N-Quads lines of ``text`` with the stable labels."""
    qs = quads(text, shuffle)
    labels = stable_labels(qs)

    def term(t):
        return f"_:{labels[t]}" if isinstance(t, BNode) else t.n3()

    return {" ".join(term(t) for t in q) + " ." for q in qs}


def test_the_same_data_gets_the_same_labels_whatever_the_parse_and_order():
    first = labelled(SHAPES)
    for seed in range(5):
        assert labelled(SHAPES, shuffle=seed) == first


def test_distinct_blank_nodes_keep_distinct_labels():
    qs = quads(SHAPES)
    labels = stable_labels(qs)
    nodes = {t for q in qs for t in q if isinstance(t, BNode)}
    # two identical property shapes of ex:A, a third under ex:B, two identical roots, list cells
    assert len(nodes) == len(labels) == len(set(labels.values())) == 11  # 3 property shapes, 3 + 3 in the list, 2 roots
    # the graph read back with the labels has exactly as many quads and blank nodes as the original
    lines = labelled(SHAPES)
    parsed = list(ox.parse("\n".join(lines).encode(), format=ox.RdfFormat.N_QUADS))
    assert len(parsed) == len(qs)
    assert len({t for q in parsed for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)}) == len(nodes)


def test_blank_nodes_in_cycles_are_labelled_too():
    first = labelled(CYCLE)
    assert all(labelled(CYCLE, shuffle=seed) == first for seed in range(5))
    labels = stable_labels(quads(CYCLE))
    assert len(set(labels.values())) == len(labels) == 4


def test_labels_are_valid_blank_node_labels_that_oxigraph_keeps():
    labels = stable_labels(quads(SHAPES))
    store = ox.Store()
    store.extend(ox.Quad(ox.BlankNode(label), ox.NamedNode("urn:p"), ox.Literal("1"), ox.NamedNode(G))
                 for label in labels.values())
    assert {q.subject.value for q in store} == set(labels.values())
