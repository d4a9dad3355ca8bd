"""The `alliance-kg` command: help, exit codes (0 ok, 1 invalid data, 2 usage), query formats."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from alliance_kg.cli import main
from alliance_kg.graph.corpus import REPOSITORY_ROOT as PROJECT_ROOT
from tests.helpers import copy_of_data, edit


@pytest.mark.parametrize("command", [[], ["build"], ["validate"], ["query"], ["serve"]])
def test_help(command):
    result = CliRunner().invoke(main, command + ["--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_console_script_is_installed():
    done = subprocess.run([str(PROJECT_ROOT / ".venv" / "bin" / "alliance-kg"), "--help"], capture_output=True,
                          text=True) if (PROJECT_ROOT / ".venv" / "bin" / "alliance-kg").exists() else \
        subprocess.run([sys.executable, "-m", "alliance_kg.cli", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "build" in done.stdout and "serve" in done.stdout


def test_usage_error_exits_2():
    assert CliRunner().invoke(main, ["query"]).exit_code == 2
    assert CliRunner().invoke(main, ["build", "--nope"]).exit_code == 2


def test_validate_ok_exits_0():
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0 and "Conforms: yes" in result.output


def test_invalid_data_exits_1_and_names_the_place(tmp_path, monkeypatch):
    config = copy_of_data(tmp_path)
    edit(config.claims_dir / "000_233c5097a7797f3f.yaml", "object: Iraq", "object: Irak")
    monkeypatch.setenv("ALLIANCE_KG_CORPUS", str(config.corpus.root))
    for command in (["validate"], ["build", "--build-dir", str(tmp_path / "out")]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 1
        assert "000_233c5097a7797f3f.yaml:" in result.output and "unknown actor 'Irak'" in result.output
    assert not (tmp_path / "out").exists()


def test_query_formats(build_dir):
    q = "SELECT ?s WHERE { ?s a <https://w3id.org/alliance-kg/ontology#InformalNetwork> } ORDER BY ?s"
    args = ["query", "--build-dir", str(build_dir)]
    table = CliRunner().invoke(main, args + [q])
    assert table.exit_code == 0 and "CRINK" in table.output and "(2 rows)" in table.output
    as_json = json.loads(CliRunner().invoke(main, args + ["--format", "json", q]).output)
    assert [b["s"]["value"].rsplit("/", 1)[1] for b in as_json["results"]["bindings"]] == ["Axis_of_Resistance", "CRINK"]
    rows = list(csv.reader(io.StringIO(CliRunner().invoke(main, args + ["--format", "csv", q]).output)))
    assert rows[0] == ["s"] and len(rows) == 3
    for fmt in ("table", "json", "csv", "tsv"):    # the shell prompt starts on a line of its own
        assert CliRunner().invoke(main, args + ["--format", fmt, q]).output.endswith("\n")


def test_query_reads_a_file_and_sees_inferences_only_when_asked(build_dir, tmp_path):
    rq = tmp_path / "q.rq"
    rq.write_text("ASK { <https://w3id.org/alliance-kg/id/Iraq> <https://w3id.org/alliance-kg/ontology#alliedWith> "
                  "<https://w3id.org/alliance-kg/id/Iran> }")
    args = ["query", "--build-dir", str(build_dir), f"@{rq}"]
    assert CliRunner().invoke(main, args).output.strip() == "False"
    assert CliRunner().invoke(main, args + ["--inferred"]).output.strip() == "True"


def test_malformed_query_exits_1(build_dir):
    result = CliRunner().invoke(main, ["query", "--build-dir", str(build_dir), "SELEKT nothing"])
    assert result.exit_code == 1 and "malformed query" in result.output


def test_validate_names_the_curated_line_of_a_shape_violation(tmp_path, monkeypatch):
    """A mistake the loader cannot see (a government of a non-state) is caught by SHACL, and the
    report points at the YAML entry it came from."""
    config = copy_of_data(tmp_path)
    edit(config.actors_file, "governmentOf: Syria", "governmentOf: Hezbollah")
    monkeypatch.setenv("ALLIANCE_KG_CORPUS", str(config.corpus.root))
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 1
    assert "Violation" in result.output and "governmentOf" in result.output
    from tests.helpers import line_of
    line = line_of(config.actors_file, "id: Syrian_government")
    assert f"actors.yaml:{line}" in result.output


def cli(*args, env=None, **kwargs):
    """The installed command in a process of its own (signals, ports and exit codes are real)."""
    import os
    return subprocess.Popen([sys.executable, "-m", "alliance_kg.cli", *args], cwd=PROJECT_ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {})}, **kwargs)


def test_serve_refuses_a_port_out_of_range_from_the_flag_and_the_environment(build_dir):
    assert CliRunner().invoke(main, ["serve", "--build-dir", str(build_dir), "--port", "99999"]).exit_code == 2
    result = CliRunner().invoke(main, ["serve", "--build-dir", str(build_dir)], env={"ALLIANCE_KG_PORT": "99999"})
    assert result.exit_code == 2 and "99999" in result.output


@pytest.mark.parametrize("name, value", [("OVERVIEW_MAX_ACTORS", "many"), ("MAX_PACK_CLAIMS", "-1"), ("TIMEOUT", "soon")])
def test_serve_names_a_setting_from_the_environment_that_is_not_one(build_dir, name, value):
    result = CliRunner().invoke(main, ["serve", "--build-dir", str(build_dir)], env={f"ALLIANCE_KG_{name}": value})
    assert result.exit_code == 2 and name.lower() in result.output.lower() and "Traceback" not in result.output


def test_serve_on_a_port_in_use_says_so_in_one_line(build_dir):
    import socket
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = cli("serve", "--build-dir", str(build_dir), "--port", str(port))
        out, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert err.strip().count("\n") == 0 and f"port {port}" in err and "in use" in err
    assert "serving" not in out and "Traceback" not in err


def test_serve_an_empty_build_dir_says_so_instead_of_building(tmp_path):
    empty = tmp_path / "nothing-here"
    result = CliRunner().invoke(main, ["serve", "--build-dir", str(empty)])
    assert result.exit_code == 1 and "no built dataset" in result.output and "--build-first" in result.output
    assert not empty.exists() or not any(empty.iterdir())


def test_query_timeout_stops_the_query(build_dir):
    cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    result = CliRunner().invoke(main, ["query", "--build-dir", str(build_dir), "--timeout", "2", cross])
    assert result.exit_code == 1 and "longer than 2 s" in result.output


def test_ctrl_c_stops_a_running_query(build_dir):
    import signal
    import time
    cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    process = cli("query", "--build-dir", str(build_dir), cross)
    time.sleep(4)                                  # started, loading or evaluating
    assert process.poll() is None
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130 and "interrupted" in err and time.monotonic() - started < 15


def test_every_command_that_reads_a_build_names_the_option_alike():
    for command in ("build", "query", "serve"):
        assert "--build-dir" in CliRunner().invoke(main, [command, "--help"]).output
    assert CliRunner().invoke(main, ["--version"]).output.startswith("alliance-kg, version")
