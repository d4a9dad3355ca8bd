"""Every mistake in the curated files stops the build with the file, the line and the field named."""
from __future__ import annotations

import re

import pytest

from alliance_kg.graph.curation import CurationError
from alliance_kg.graph.pipeline import build
from tests.helpers import copy_of_data, edit, line_of

DOC0 = "000_233c5097a7797f3f"


def run_expecting_error(config) -> CurationError:
    with pytest.raises(CurationError) as caught:
        build(config)
    return caught.value


def claims_file(config):
    return config.claims_dir / f"{DOC0}.yaml"


def test_quote_not_in_document(tmp_path):
    config = copy_of_data(tmp_path)
    path = claims_file(config)
    edit(path, "Iran and Iraq are very close allies supporting each other against the Islamic State.",
         "Iran and Iraq are very close friends supporting each other against the Islamic State.")
    error = run_expecting_error(config)
    assert error.file == path and error.line == line_of(path, "very close friends")
    assert error.field == "claims[0].evidence[0].quote"
    assert "quote not found" in str(error) and "closest passage" in str(error)
    assert f"claims/{DOC0}.yaml:{error.line}: claims[0].evidence[0].quote" in str(error)


def test_quote_found_twice_without_occurrence(tmp_path):
    config = copy_of_data(tmp_path)
    path = claims_file(config)
    edit(path, 'quote: "Iran maintains strong influence in Iraq and Yemen,"', 'quote: "Iran and Iraq"')
    error = run_expecting_error(config)
    assert re.fullmatch(r"claims\[\d+\]\.evidence\[\d+\]\.quote", error.field) and "occurs" in error.message and "occurrence" in error.message
    assert error.line == line_of(path, 'quote: "Iran and Iraq"')


def test_occurrence_disambiguates_a_repeated_quote(tmp_path):
    config = copy_of_data(tmp_path)
    path = claims_file(config)
    edit(path, 'quote: "Iran maintains strong influence in Iraq and Yemen,"',
         'quote: "Iran and Iraq"\n        occurrence: 2')
    build(config)


def test_quote_inside_junk(tmp_path):
    config = copy_of_data(tmp_path)
    path = claims_file(config)
    edit(path, 'quote: "Israel launched a series of attacks last week"',
         'quote: "Iran Wants To Negotiate After Crippling Israeli Strikes"\n        occurrence: 1')
    error = run_expecting_error(config)
    assert "junk" in error.message and "trailing-headlines" in error.message
    assert error.field.endswith("evidence[0].quote")


def test_unknown_actor_with_suggestion(tmp_path):
    config = copy_of_data(tmp_path)
    path = claims_file(config)
    edit(path, "    subject: Kataib_Hezbollah\n    relation: alignedWith",
         "    subject: Kataib_Hezbolah\n    relation: alignedWith")
    error = run_expecting_error(config)
    assert error.field.endswith(".subject") and "unknown actor 'Kataib_Hezbolah'" in error.message
    assert "did you mean 'Kataib_Hezbollah'" in error.message
    assert error.line == line_of(path, "Kataib_Hezbolah")


def test_unknown_relation(tmp_path):
    config = copy_of_data(tmp_path)
    path = claims_file(config)
    edit(path, "relation: tradesWith", "relation: tradeWith")
    error = run_expecting_error(config)
    assert error.field.endswith(".relation") and "not a relation of the ontology" in error.message
    assert "tradesWith" in error.message and error.line == line_of(path, "tradeWith")


def test_missing_field(tmp_path):
    config = copy_of_data(tmp_path)
    path = claims_file(config)
    edit(path, "    relation: invaded\n", "")
    error = run_expecting_error(config)
    assert "missing field 'relation'" in error.message
    assert error.line == line_of(path, "id: iraq-invaded-iran")


def test_broken_yaml(tmp_path):
    config = copy_of_data(tmp_path)
    path = claims_file(config)
    edit(path, "    object: Yemen\n", "    object: [Yemen\n")
    error = run_expecting_error(config)
    assert error.file == path and "broken YAML" in error.message and error.line is not None


def test_unknown_field_is_not_ignored(tmp_path):
    config = copy_of_data(tmp_path)
    path = claims_file(config)
    edit(path, "    relation: invaded\n", "    relation: invaded\n    polarty: negated\n")
    error = run_expecting_error(config)
    assert error.field.endswith(".polarty") and "unknown field" in error.message


def test_hedge_must_occur_in_a_quote(tmp_path):
    config = copy_of_data(tmp_path)
    path = claims_file(config)
    edit(path, "hedge: an estimated", "hedge: roughly")
    error = run_expecting_error(config)
    assert error.field.endswith(".hedge") and "does not occur" in error.message


def test_bad_actor_class_in_actors_file(tmp_path):
    config = copy_of_data(tmp_path)
    edit(config.actors_file, "class: Militia", "class: Milita")
    error = run_expecting_error(config)
    assert error.file == config.actors_file and error.field.endswith(".class") and "Militia" in error.message


def test_document_changed_on_disk(tmp_path):
    import shutil
    config = copy_of_data(tmp_path)
    seeds = tmp_path / "seeds"
    shutil.copytree(config.documents_dir, seeds)
    (seeds / f"{DOC0}.txt").write_text((seeds / f"{DOC0}.txt").read_text() + " ", encoding="utf-8")
    config = config.with_documents(seeds)
    error = run_expecting_error(config)
    assert error.file == config.documents_file and "SHA-256" in error.message
    assert error.field == "documents[0].sha256" and error.line == line_of(config.documents_file, "e77d9d634fa1")


def test_junk_lines_past_the_end_of_the_document(tmp_path):
    config = copy_of_data(tmp_path)
    edit(config.documents_file, "{lines: [46, 46], kind: call-to-action}", "{lines: [46, 4600], kind: call-to-action}")
    error = run_expecting_error(config)
    assert error.field == "documents[0].junk[2].lines" and "past the end" in error.message
    assert error.line == line_of(config.documents_file, "4600")


@pytest.mark.parametrize("old, new, field, message", [
    ("time: {start: 1980, end: 1989,", "time: {start: 198O, end: 1989,", "time.start", "198O"),
    ("time: {start: 1980, end: 1989,", "time: {start: 1990, end: 1989,", "time.end", "before start"),
    ("time: {start: 1980, end: 1989,", "time: {start: 0, end: 1989,", "time.start", "out of range"),
])
def test_bad_year(tmp_path, old, new, field, message):
    config = copy_of_data(tmp_path)
    path = claims_file(config)
    edit(path, old, new)
    error = run_expecting_error(config)
    assert error.file == path and error.field.endswith(field) and message in str(error)
    assert error.line == line_of(path, new)


def test_duplicate_claim_id(tmp_path):
    config = copy_of_data(tmp_path)
    path = claims_file(config)
    edit(path, "  - id: iraq-invaded-iran\n", "  - id: iran-iraq-war\n")
    first = line_of(path, "id: iran-iraq-war")
    error = run_expecting_error(config)
    assert error.field.endswith(".id") and "duplicate claim id 'iran-iraq-war'" in error.message
    assert f"first at line {first}" in error.message and error.line > first


def test_occurrence_beyond_the_count(tmp_path):
    config = copy_of_data(tmp_path)
    path = claims_file(config)
    edit(path, 'quote: "Iran maintains strong influence in Iraq and Yemen,"',
         'quote: "Iran and Iraq"\n        occurrence: 99')
    error = run_expecting_error(config)
    assert re.fullmatch(r"claims\[\d+\]\.evidence\[\d+\]\.occurrence", error.field) and "only" in error.message
    assert error.line == line_of(path, "occurrence: 99")


def test_document_that_is_not_utf8(tmp_path):
    import hashlib
    import shutil
    config = copy_of_data(tmp_path)
    seeds = tmp_path / "seeds"
    shutil.copytree(config.documents_dir, seeds)
    raw = (seeds / f"{DOC0}.txt").read_bytes() + b"\xff"
    (seeds / f"{DOC0}.txt").write_bytes(raw)
    edit(config.documents_file, "e77d9d634fa1be8f5ceeb3c1f70bc3daa73707465a08979d9bf41eb17a3c9709",
         hashlib.sha256(raw).hexdigest())
    error = run_expecting_error(config.with_documents(seeds))
    assert "UTF-8" in str(error) and f"{DOC0}.txt" in str(error) and error.field == "documents[0].file"


def test_one_run_reports_every_error_with_file_line_and_field(tmp_path):
    config = copy_of_data(tmp_path)
    path = claims_file(config)
    edit(path, "object: Iraq", "object: Irak")                              # assemble-time check
    edit(path, "relation: hostileTo", "relation: hostileToo")                # another claim
    edit(config.actors_file, "class: Militia", "class: Milita")               # the actors file
    from alliance_kg.graph.curation import CurationErrors
    # the actors file is judged first: its error alone, since claims are checked against the actors
    error = run_expecting_error(config)
    assert error.field.endswith(".class") and "Irak" not in str(error) and "hostileToo" not in str(error)
    edit(config.actors_file, "class: Milita", "class: Militia")
    edit(path, "Iran and Iraq are very close allies", "Iran and Iraq are very close friends")
    with pytest.raises(CurationErrors) as caught:
        build(config)
    errors = caught.value.errors
    fields = {e.field.rsplit(".", 1)[-1] for e in errors}
    assert {"object", "relation", "quote"} <= fields and len(errors) >= 3
    text = str(caught.value)
    assert text.startswith(f"{len(errors)} errors in the curated data:")
    for e in errors:
        assert f"claims/{DOC0}.yaml:{e.line}: {e.field}: " in text
    assert any(e.line == line_of(path, "relation: hostileToo") for e in errors)
    assert any(e.line == line_of(path, "very close friends") for e in errors)


def test_the_number_of_errors_reported_is_capped(tmp_path):
    from alliance_kg.graph.curation import MAX_ERRORS, CurationErrors
    config = copy_of_data(tmp_path)
    path = claims_file(config)
    claims = path.read_text(encoding="utf-8").count("    subject: ")
    assert claims > MAX_ERRORS, "the corpus is too small to test the cap"
    path.write_text(path.read_text(encoding="utf-8").replace("    subject: ", "    subject: X"), encoding="utf-8")
    with pytest.raises(CurationErrors) as caught:
        build(config)
    assert len(caught.value.errors) == MAX_ERRORS and caught.value.more == claims - MAX_ERRORS
    assert f"and {claims - MAX_ERRORS} more" in str(caught.value)


def test_unknown_actor_says_how_to_add_one(tmp_path):
    config = copy_of_data(tmp_path)
    edit(claims_file(config), "subject: Iran\n", "subject: Atlantis\n")
    error = run_expecting_error(config)
    assert "unknown actor 'Atlantis'" in str(error) and "actors.yaml" in str(error)
    assert "- id: Atlantis" in str(error) and "class:" in str(error) and "label:" in str(error)


QUOTE = "Iran and Iraq are very close allies supporting each other against the Islamic State."


@pytest.mark.parametrize("changed, position, quote_has, document_has", [
    (QUOTE.replace("are very ", "are  very ", 1), QUOTE.index("are ") + 4, "'  '", "' '"),   # a doubled space
    (QUOTE.replace("close allies", "close partners"), QUOTE.index("allies") + 1, "'partners'", "'allies'"),  # reworded
    (QUOTE.replace("the Islamic State", "ISIS"), QUOTE.index("the Islamic") + 1, "'ISIS'", "'the Islamic State'"),
])
def test_a_quote_not_found_gets_the_closest_passage_and_where_it_differs(tmp_path, changed, position, quote_has,
                                                                        document_has):
    config = copy_of_data(tmp_path)
    edit(claims_file(config), QUOTE, changed)
    message = run_expecting_error(config).message
    assert "closest passage (line " in message and QUOTE[:30] in message
    assert f"first difference at character {position} of the quote" in message, message
    assert f"the quote has {quote_has}" in message
    if document_has:
        assert f"the document has {document_has}" in message


def test_junk_kinds_are_documented_where_curators_read(tmp_path):
    from alliance_kg.graph.corpus import REPOSITORY_CORPUS
    from alliance_kg.graph.curation import JUNK_KINDS
    readme = (REPOSITORY_CORPUS / "README.md").read_text(encoding="utf-8")
    header = "".join(line for line in (REPOSITORY_CORPUS / "documents.yaml").read_text(encoding="utf-8").splitlines(True)
                     if line.startswith("#"))
    for kind in JUNK_KINDS:
        assert f"`{kind}`" in readme and kind in header
    # and the header names no kind the build would refuse
    named = set(re.findall(r"\b[a-z]+(?:-[a-z]+)+\b", header))
    assert named <= set(JUNK_KINDS), named - set(JUNK_KINDS)


@pytest.mark.parametrize("url", ["www.example.org/article", "ftp://example.org/a", "https://example.org/a b"])
def test_a_document_url_must_be_an_absolute_web_address(tmp_path, url):
    from alliance_kg.graph.curation import load_documents

    config = copy_of_data(tmp_path)
    path = config.documents_file
    edit(path, "    language: en\n", f"    language: en\n    url: \"{url}\"\n")
    with pytest.raises(CurationError) as caught:
        load_documents(path)
    assert caught.value.file == path and caught.value.field.endswith(".url")
    assert caught.value.line == line_of(path, "url:")


def test_a_document_url_is_published_as_its_web_address(tmp_path):
    from rdflib import URIRef

    from alliance_kg.graph.pipeline import check
    from alliance_kg.graph.vocabulary import SCHEMA

    config = copy_of_data(tmp_path)
    edit(config.documents_file, "    language: en\n", "    language: en\n    url: https://example.org/iran-and-iraq\n")
    dataset = check(config).assembled.dataset
    found = {(s, o) for s, _, o, _ in dataset.quads((None, SCHEMA.url, None, None))}
    assert found == {(URIRef(f"https://w3id.org/alliance-kg/document/{DOC0}"), URIRef("https://example.org/iran-and-iraq"))}
