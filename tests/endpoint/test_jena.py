"""Apache Jena's ARQ as the client: its command-line tools query the live endpoint over HTTP.

Jena comes from Debian (package ``libapache-jena-java``, installed by ``.ci/run``) and runs on the
machine's Java. Jena's own HTTP client decides what to send: ``Accept`` headers ranking JSON, XML,
TSV and CSV results (Turtle first for graphs), ``Upgrade: h2c`` on every request, a GET that turns
into a POST for long queries. Each answer must parse in Jena and mean what the store holds.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

JARS = Path("/usr/share/java")
# what ARQ's command-line tools load, by their Debian names; not every jar in /usr/share/java:
# several SLF4J bindings there conflict with each other
CLASSPATH = ["jena-cmds", "jena-arq", "jena-base", "jena-core", "jena-iri", "jena-rdfconnection", "guava",
             "commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io", "commons-lang3",
             "dexx.collection", "gson", "httpclient", "httpcore", "jackson-core", "jackson-databind",
             "jackson-annotations", "jsonld-java", "protobuf", "thrift", "titanium-json-ld", "slf4j-api",
             "slf4j-nop"]
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
PIF = "<https://w3id.org/talentkg/id/pif>"
PROGRAMMES = f"""SELECT ?programme ?label WHERE {{
  ?programme a <https://w3id.org/talentkg/ontology#Programme> ; {RDFS_LABEL} ?label
}} ORDER BY ?programme ?label"""


@pytest.fixture(scope="session")
def jena(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The start of a ``java`` command line with ARQ on its class path."""
    java = shutil.which("java")
    if java is None or not (JARS / "jena-arq.jar").exists():
        pytest.skip("Apache Jena is not installed (Debian package libapache-jena-java, and a Java runtime)")
    missing = [name for name in CLASSPATH if not (JARS / f"{name}.jar").exists()]
    assert not missing, f"Debian's Jena package no longer ships {missing}: update CLASSPATH"
    # Debian's jena-core moved its bundled Xerces classes to the package ``xerces`` but left their
    # message files under ``org/apache/jena/ext/xerces``: without them in the old place ARQ fails
    # while starting ("internal error" in XSSimpleTypeDecl). A jar of the same files, moved.
    messages = tmp_path_factory.mktemp("jena") / "xerces-messages.jar"
    with zipfile.ZipFile(JARS / "jena-core.jar") as source, zipfile.ZipFile(messages, "w") as target:
        prefix = "org/apache/jena/ext/xerces/"
        for name in source.namelist():
            if name.startswith(prefix) and name.endswith(".properties"):
                target.writestr("xerces/" + name[len(prefix):], source.read(name))
    path = ":".join([str(JARS / f"{name}.jar") for name in CLASSPATH] + [str(messages)])
    return [java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", path]


def arq(jena: list[str], tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*jena, tool, *args], check=False, capture_output=True, text=True, timeout=120)


def rsparql(jena: list[str], service: str, query: str, tmp_path: Path, *options: str) -> str:
    """Jena's remote query tool: the answer as Jena re-writes it, after parsing ours."""
    file = tmp_path / "query.rq"
    file.write_text(query, encoding="utf-8")
    done = arq(jena, "arq.rsparql", "--service", service, "--query", str(file), *options)
    assert done.returncode == 0 and "Exception" not in done.stdout + done.stderr, done.stdout + done.stderr
    return done.stdout


def tsv_rows(text: str) -> list[str]:
    lines = text.splitlines()
    assert lines and lines[0].startswith("?"), text
    return lines[1:]


def test_select_parses_in_jena_whatever_the_results_format(jena, server, tmp_path):
    # Jena's own Accept asks for JSON first; ``format`` makes the endpoint answer each of the others
    answers = {fmt: tsv_rows(rsparql(jena, f"{server.sparql}?format={fmt}", PROGRAMMES, tmp_path, "--results", "tsv"))
               for fmt in ("json", "xml", "tsv")}
    answers["jena's accept"] = tsv_rows(rsparql(jena, server.sparql, PROGRAMMES, tmp_path, "--results", "tsv"))
    assert len(set(map(tuple, answers.values()))) == 1, answers
    rows = answers["json"]
    assert f'{PIF}\t"Presidential Innovation Fellows"@en' in rows
    assert len(rows) == len(server.query(PROGRAMMES).json()["results"]["bindings"])
    # CSV carries no term types: Jena reads every value back as a plain string
    csv = tsv_rows(rsparql(jena, f"{server.sparql}?format=csv", PROGRAMMES, tmp_path, "--results", "tsv"))
    assert '"https://w3id.org/talentkg/id/pif"\t"Presidential Innovation Fellows"' in csv
    assert len(csv) == len(rows)


def test_ask_in_jena(jena, server, tmp_path):
    assert rsparql(jena, server.sparql, f"ASK {{ {PIF} {RDFS_LABEL} ?label }}", tmp_path).strip() == "Ask => Yes"
    assert rsparql(jena, f"{server.sparql}?format=xml", f"ASK {{ {PIF} {RDFS_LABEL} 'nothing' }}",
                   tmp_path).strip() == "Ask => No"


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "rdfxml", None])
def test_describe_parses_in_jena(jena, server, tmp_path, fmt):
    # JSON-LD is not in the list: Debian's Jena 4.5 cannot read JSON-LD at all (its JSON-LD 1.1 reader
    # needs a Jakarta JSON implementation Debian does not package), whoever writes it
    service = server.sparql if fmt is None else f"{server.sparql}?format={fmt}"
    triples = rsparql(jena, service, f"DESCRIBE {PIF}", tmp_path, "--results", "N-Triples").splitlines()
    assert f'{PIF} {RDFS_LABEL} "Presidential Innovation Fellows"@en .' in triples
    expected = server.query(f"CONSTRUCT {{ {PIF} ?p ?o }} WHERE {{ {PIF} ?p ?o }}", accept="application/n-triples")
    assert sorted(set(triples)) == sorted(set(expected.text.splitlines()))


def test_long_query_goes_by_post_and_answers_the_same(jena, server, tmp_path):
    # past a couple of kilobytes of URL, Jena sends the query in a POST body instead
    padding = ", ".join(f'"{i:04d}"' for i in range(600))
    query = f"SELECT ?label WHERE {{ {PIF} {RDFS_LABEL} ?label FILTER(?label NOT IN ({padding})) }} ORDER BY ?label"
    assert len(query) > 4000

    def posts() -> int:
        return sum("talentkg.access POST /sparql 200" in line for line in server.log)

    before = posts()
    long = tsv_rows(rsparql(jena, server.sparql, query, tmp_path, "--results", "tsv"))
    forced = tsv_rows(rsparql(jena, server.sparql, query, tmp_path, "--post", "--results", "tsv"))
    assert long == forced == ['"Presidential Innovation Fellows"@en', '"Presidential Innovation Fellows (PIF)"@fr']
    deadline = time.monotonic() + 10  # the server's log reaches the test through a reader thread
    while posts() < before + 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert posts() == before + 2


def test_jena_federates_with_the_endpoint(jena, server, tmp_path):
    # Jena's own engine, over a local file, reaching talentkg through SERVICE
    local = tmp_path / "local.nt"
    local.write_text(f"<urn:mine> <urn:about> {PIF} .\n", encoding="utf-8")
    query = tmp_path / "federated.rq"
    query.write_text(f"""SELECT ?label WHERE {{
      <urn:mine> <urn:about> ?programme .
      SERVICE <{server.sparql}> {{ ?programme {RDFS_LABEL} ?label FILTER(lang(?label) = "en") }}
    }}""", encoding="utf-8")
    done = arq(jena, "arq.sparql", "--data", str(local), "--query", str(query), "--results", "tsv")
    assert done.returncode == 0, done.stderr
    assert tsv_rows(done.stdout) == ['"Presidential Innovation Fellows"@en']


def test_jena_update_is_refused_and_changes_nothing(jena, server, tmp_path):
    before = server.get("/healthz").json()["triples"]
    update = tmp_path / "update.ru"
    update.write_text(f'INSERT DATA {{ {PIF} {RDFS_LABEL} "changed by Jena" }}', encoding="utf-8")
    done = arq(jena, "arq.rupdate", "--service", server.sparql, "--update", str(update))
    assert done.returncode != 0 and "403" in done.stdout + done.stderr, done.stdout + done.stderr
    assert server.get("/healthz").json()["triples"] == before
    assert "changed by Jena" not in server.query(f"SELECT ?l WHERE {{ {PIF} {RDFS_LABEL} ?l }}").text
