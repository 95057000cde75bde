"""The SPARQL 1.1 endpoint machinery: request shapes, media types, the guard and evaluation."""
