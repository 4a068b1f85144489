"""The ledger as a warehouse table (docs/warehouse.md, docs/sql/*.sql).

The documented column set must be the one `llmcost ledger` writes, and a
ledger loaded into a real PostgreSQL (started here on a Unix socket in a
temporary directory, never on the network) must give, in NUMERIC(38,18),
exactly the totals `llmcost audit --format json` gives.
"""
import glob
import json
import os
import pwd
import random
import re
import shutil
import subprocess
import tempfile
from decimal import Decimal

import pytest

BUILD = os.environ.get("LLMCOST_BUILD_DIR", "")
SOURCE = os.environ.get("LLMCOST_SOURCE_DIR", "")
LLMCOST = os.path.join(BUILD, "llmcost")
FIX = os.path.join(SOURCE, "tests", "fixtures", "focus")
BOOK = os.path.join(FIX, "prices.book")
PG_SQL = os.path.join(SOURCE, "docs", "sql", "postgresql.sql")
CH_SQL = os.path.join(SOURCE, "docs", "sql", "clickhouse.sql")
WAREHOUSE_MD = os.path.join(SOURCE, "docs", "warehouse.md")
IN_CI = os.environ.get("CI", "") == "true"


def run(*args):
    if not os.path.exists(LLMCOST):
        pytest.fail("llmcost binary not built at %s" % LLMCOST)
    p = subprocess.run([LLMCOST, *args], capture_output=True, cwd=FIX)
    assert p.returncode == 0, p.stderr.decode()
    return p.stdout


def ddl_columns(path):
    text = open(path).read()
    body = text[text.index("CREATE TABLE"):]
    body = body[body.index("(") + 1:]
    cols = []
    for line in body.splitlines():
        m = re.match(r'^\t["`]?([a-z0-9_]+)["`]?\s', line)
        if m:
            cols.append(m.group(1))
    return cols


def make_log(path):
    """A log with every kind of row: priced ones over three teams and
    four models, unpriced ones, rejected ones, text that needs quoting."""
    rng = random.Random(17)
    models = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "o3-mini"]
    lines = [open(os.path.join(FIX, "usage.jsonl")).read().rstrip("\n")]
    for i in range(1500):
        inp = rng.randint(1, 120000)
        rec = {"timestamp": 1759276800 + rng.randint(0, 20 * 86400),
               "request_id": "w%d" % i,
               "team_id": rng.choice(["search", "ml", 'ops, "core"']),
               "user_id": "u%d" % rng.randint(1, 40),
               "feature_name": rng.choice(["chat", "rag\nv2", None]),
               "model": rng.choice(models), "input_tokens": inp,
               "cached_tokens": rng.randint(0, inp // 3),
               "output_tokens": rng.randint(1, 9000)}
        lines.append(json.dumps(rec))
    lines.append(json.dumps({"timestamp": "2025-10-03", "model": "nope-1",
                             "input_tokens": 5, "output_tokens": 5}))
    lines.append(json.dumps({"model": "gpt-4o", "input_tokens": -1}))
    lines.append("{not json")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def test_documented_columns_are_the_ledgers(tmp_path):
    log = tmp_path / "log.jsonl"
    make_log(log)
    header = run("ledger", "--format", "csv", "--prices", BOOK,
                 str(log)).decode().split("\r\n")[0].split(",")
    pg = ddl_columns(PG_SQL)
    ch = ddl_columns(CH_SQL)
    assert pg == ch
    # the ledger's columns first, in its order; then those --tags adds
    assert pg[:len(header)] == header
    tags_cfg = tmp_path / "tags.json"
    tags_cfg.write_text('{"version": 1}\n')
    p = subprocess.run([LLMCOST, "ledger", "--format", "csv", "--prices",
                        BOOK, "--tags", str(tags_cfg), str(log)],
                       capture_output=True, cwd=FIX)
    assert p.returncode == 0, p.stderr.decode()
    tagged = p.stdout.decode().split("\r\n")[0].split(",")
    assert pg == tagged
    doc = open(WAREHOUSE_MD).read()
    for col in pg:
        assert "`%s`" % col in doc, col


# ---- a real PostgreSQL ----------------------------------------------------

def pg_bin():
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(d, "initdb")):
            return d
    found = shutil.which("initdb")
    return os.path.dirname(found) if found else None


class Postgres:
    """A throwaway server: initdb into a temporary directory, listening
    only on a Unix socket there; run as the postgres user when we are
    root (the server refuses to run as root)."""

    def __init__(self, bindir):
        self.bindir = bindir
        self.dir = tempfile.mkdtemp(prefix="llmcost-pg-")
        self.data = os.path.join(self.dir, "data")
        self.prefix = []
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                pytest.skip("running as root and there is no postgres "
                            "user to run the server as")
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self.started = False

    def cmd(self, name, *args, **kw):
        return subprocess.run(self.prefix + [os.path.join(self.bindir, name),
                                             *args],
                              capture_output=True, timeout=120, **kw)

    def start(self):
        p = self.cmd("initdb", "-D", self.data, "-U", "llmcost",
                     "--auth=trust", "-E", "UTF8", "--no-locale")
        assert p.returncode == 0, p.stderr.decode()
        opts = "-c listen_addresses='' -c unix_socket_directories='%s' " \
               "-c port=5432 -c fsync=off" % self.dir
        p = self.cmd("pg_ctl", "-D", self.data, "-o", opts, "-l",
                     os.path.join(self.dir, "log"), "-w", "start")
        assert p.returncode == 0, p.stderr.decode()
        self.started = True

    def psql(self, sql, stdin=None):
        p = self.cmd("psql", "-h", self.dir, "-p", "5432", "-U", "llmcost",
                     "-d", "postgres", "-X", "-q", "-A", "-t",
                     "-v", "ON_ERROR_STOP=1", "-c", sql, input=stdin)
        assert p.returncode == 0, p.stderr.decode()
        return p.stdout.decode()

    def stop(self):
        if self.started:
            self.cmd("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def postgres():
    bindir = pg_bin()
    if bindir is None:
        msg = "PostgreSQL binaries not found (apt-get install postgresql)"
        if IN_CI:
            pytest.fail(msg)
        pytest.skip(msg)
    server = Postgres(bindir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def audit_totals(log):
    audit = json.loads(run("audit", "--format", "json", "--prices", BOOK,
                           str(log)))
    return audit


def check_totals(pg, audit):
    acc = audit["accounting"]
    got = dict(line.split("|", 1) for line in pg.psql(
        "SELECT status, count(*) FROM llm_ledger GROUP BY status"
    ).split())
    assert int(got.get("priced", 0)) == acc["priced"]
    assert int(got.get("unpriced", 0)) == acc["unpriced"]
    assert int(got.get("rejected", 0)) == acc["rejected"]
    assert sum(int(v) for v in got.values()) == acc["rows"]
    cost, inp, out, cached = pg.psql(
        "SELECT sum(cost_usd), sum(input_tokens) FILTER (WHERE status = "
        "'priced'), sum(output_tokens) FILTER (WHERE status = 'priced'), "
        "sum(cached_tokens) FILTER (WHERE status = 'priced') "
        "FROM llm_ledger").strip().split("|")
    totals = audit["totals"]
    assert Decimal(cost) == Decimal(totals["cost_usd"])
    parts = pg.psql(
        "SELECT sum(input_cost_usd), sum(cache_read_cost_usd), "
        "sum(output_cost_usd), sum(reasoning_cost_usd) FROM llm_ledger"
    ).strip().split("|")
    assert [Decimal(x) for x in parts] == [
        Decimal(totals[k]) for k in ("input_cost_usd", "cache_read_cost_usd",
                                     "output_cost_usd",
                                     "reasoning_cost_usd")]
    by_team = dict(line.split("|", 1) for line in pg.psql(
        "SELECT coalesce(team_id, ''), sum(cost_usd) FROM llm_ledger "
        "WHERE status = 'priced' GROUP BY 1").splitlines() if line)
    for team in audit["by_team"]:
        key = team.get("team") or team.get("key") or ""
        assert Decimal(by_team[key]) == Decimal(team["cost_usd"]), key
    return Decimal(cost)


def test_csv_ledger_in_postgresql_matches_the_audit(postgres, tmp_path):
    log = tmp_path / "log.jsonl"
    make_log(log)
    csv_bytes = run("ledger", "--format", "csv", "--prices", BOOK, str(log))
    header = csv_bytes.decode().split("\r\n")[0]
    postgres.psql(open(PG_SQL).read())
    postgres.psql("\\copy llm_ledger (%s) FROM STDIN WITH (FORMAT csv, "
                  "HEADER true)" % header, stdin=csv_bytes)
    audit = audit_totals(log)
    total = check_totals(postgres, audit)
    assert total > 0
    # NUMERIC kept all 18 decimals: a sum of row texts in Python agrees.
    rows = [line.split("|") for line in postgres.psql(
        "SELECT cost_usd::text FROM llm_ledger WHERE status = 'priced'"
    ).split()]
    assert sum(Decimal(r[0]) for r in rows) == total
    # Text that needed quoting came through whole.
    assert postgres.psql("SELECT count(*) FROM llm_ledger WHERE team_id = "
                         "'ops, \"core\"'").strip() != "0"
    assert postgres.psql("SELECT count(*) FROM llm_ledger WHERE "
                         "feature_name = E'rag\\nv2'").strip() != "0"


def test_jsonl_ledger_in_postgresql_matches_the_audit(postgres, tmp_path):
    log = tmp_path / "log.jsonl"
    make_log(log)
    jsonl = run("ledger", "--prices", BOOK, str(log))
    postgres.psql(open(PG_SQL).read())
    postgres.psql("CREATE TABLE ledger_lines (line jsonb)")
    # One JSON object a line, read as one CSV field that never ends
    # early: quote and delimiter bytes that JSON text cannot hold.
    postgres.psql("\\copy ledger_lines FROM STDIN WITH (FORMAT csv, "
                  "QUOTE e'\\x01', DELIMITER e'\\x02')", stdin=jsonl)
    postgres.psql("INSERT INTO llm_ledger SELECT (jsonb_populate_record("
                  "NULL::llm_ledger, line)).* FROM ledger_lines")
    check_totals(postgres, audit_totals(log))
