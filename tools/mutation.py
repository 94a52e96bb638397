"""Mutation testing of the safety modules: each module is mutated by mutmut and checked against only
its own fast tests, and the scores (with every mutant still alive) are written into docs/testing.md.

    python tools/mutation.py                 # every module, then the table in docs/testing.md
    python tools/mutation.py keywords quiet  # the modules whose name contains one of these; their rows only

A mutant that makes its tests fail, or hang past the per-test timeout, is killed; a timeout that
mutmut itself records counts as killed too. A survivor is either listed in mutation_survivors.py,
with why no test can or should tell it apart, or printed as unexplained so that a test can be written.
The exit status is 1 when a survivor is unexplained, a module scores under TARGET_SCORE, or a
module could not be run. A run of some modules replaces only their rows and survivors in the table.

mutmut's cache of each run is kept in .mutation-cache/, one per module's source and tests to run: a
rerun after tests were added tries again only the mutants not yet killed. Any change to the module
starts afresh; delete .mutation-cache/ for a clean run after tests were removed or weakened.
"""
from __future__ import annotations

import datetime
import hashlib
import os
import re
import runpy
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "testing.md"
# mutmut rewrites the file under test in place: it works on a copy of these, so the work tree is never
# left mutated and can be edited (or committed) while a run goes on.
COPIED = ("pyproject.toml", "engage", "messages", "webhooks", "migrations", "locales", "tests", "tools")
CACHE = ROOT / ".mutation-cache"
BEGIN, END = "<!-- mutation-table:begin -->", "<!-- mutation-table:end -->"
# Long enough for the slowest relevant test on a busy machine, short enough that a mutant looping
# forever (quiet hours, the limiter) is killed in seconds.
TEST_TIMEOUT_SECONDS = 20
# Each module's share of mutants killed, at the least.
TARGET_SCORE = 0.9
# mutmut 2.5.1 now and then stops mid-run ("Attribute Mutant.line is required"); run again, it
# picks up from its cache the mutants it had not tested.
ATTEMPTS = 3


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    tests: tuple[str, ...]  # pytest arguments: files, node ids, -k expressions
    scope: tuple[str, ...] = ()  # top-level definitions to mutate; empty for the whole module


TARGETS = (
    Target("instruments/scoring", "engage/instruments/scoring.py",
           ("tests/instruments/test_instrument_scoring.py",)),
    Target("instruments/parsing", "engage/instruments/parsing.py",
           ("tests/instruments/test_instrument_parsing.py",)),
    Target("sms/keywords", "engage/sms/keywords.py", ("tests/test_keywords.py",)),
    Target("checkins/conversation", "engage/checkins/conversation.py", ("tests/checkins/test_conversation.py",)),
    Target("outbox/quiet_hours", "engage/outbox/quiet_hours.py", ("tests/test_quiet_hours.py",)),
    Target("outbox/rate_limit", "engage/outbox/rate_limit.py",
           ("tests/test_rate_limit.py", "tests/test_rate_limit_bounds.py")),
    Target("patients/service: record_consent", "engage/patients/service.py",
           ("tests/test_consent_ledger.py",), scope=("record_consent",)),
    Target("sms/delivery: consent gate, STOP and quiet-hour exemptions, carrier opt-out, undeliverable numbers",
           "engage/sms/delivery.py",
           ("tests/test_delivery_gate.py",
            "tests/test_quiet_hours.py::test_the_delivery_guard_holds_a_patient_text_until_quiet_hours_end",
            "tests/test_quiet_hours.py::test_crisis_resources_and_staff_notices_are_not_held",
            "tests/test_quiet_hours.py::test_an_opt_out_during_quiet_hours_still_cancels_a_held_text",
            "tests/test_delivery_status.py::test_stop_between_planning_and_sending_cancels_the_rest",
            "tests/test_dispatch_workers.py::test_a_worker_killed_mid_send_never_causes_a_second_copy",
            "tests/test_delivery_status.py::test_landline_marks_patient_unreachable_and_raises_a_flag",
            "tests/test_delivery_status.py::test_unreachable_handset_counts_only_after_three_in_a_row",
            "tests/test_delivery_status.py::test_a_delivery_in_between_resets_the_soft_failure_count",
            "tests/test_delivery_status.py::test_invalid_number_refused_at_send_marks_unreachable",
            "tests/test_delivery_status.py::test_each_patient_whose_texts_cannot_be_delivered_gets_a_flag_of_their_own",
            "tests/test_delivery_status.py::"
            "test_a_patient_already_flagged_for_something_else_is_flagged_unreachable_too",
            "tests/test_delivery_status.py::test_a_second_landline_while_the_first_flag_is_open_adds_no_flag",
            "tests/test_delivery_status.py::test_a_landline_after_the_last_flag_was_resolved_is_flagged_again",
            "tests/test_voice_fallback.py"),
           scope=("EMERGENCY_KINDS", "_MAY_LEAVE", "_may_send", "_still_to_send", "_after_quiet_hours", "_settle",
                  "PERMANENT_FAILURES", "CARRIER_OPT_OUT", "SOFT_FAILURE", "SOFT_FAILURES_BEFORE_UNREACHABLE",
                  "note_delivery_failure", "note_delivered")),
    Target("flags/crisis", "engage/flags/crisis.py",
           ("tests/test_crisis_classifier.py", "tests/test_crisis_weighing.py")),
)

@dataclass(frozen=True)
class Survivor:
    path: str
    line: int
    before: str
    after: str

    @property
    def reason(self) -> str | None:
        # Read at each use, so a reason written while a long run goes on is in the table it writes.
        explained = runpy.run_path(str(Path(__file__).with_name("mutation_survivors.py")))["EXPLAINED"]
        return explained.get((self.path, self.before, self.after))


@dataclass(frozen=True)
class Result:
    target: Target
    killed: int
    timeout: int
    survivors: tuple[Survivor, ...]

    @property
    def mutants(self) -> int:
        return self.killed + self.timeout + len(self.survivors)

    @property
    def score(self) -> float:
        return (self.killed + self.timeout) / self.mutants if self.mutants else 1.0


def run_tests(arguments: list[str]) -> int:
    """The command mutmut runs for each mutant. mutmut counts only exit status 1 as failing tests;
    a mutant that breaks the import (pytest's 2) or leaves nothing to collect (5) is killed too."""
    import pytest

    return 0 if pytest.main(arguments) == 0 else 1


def _test_command(target: Target, tree: Path) -> str:
    arguments = ["-x", "-q", "-p", "no:cacheprovider", "--hypothesis-seed=0",
                 f"--timeout={TEST_TIMEOUT_SECONDS}", *target.tests]
    return shlex.join([sys.executable, str(tree / "tools" / "mutation.py"), "--run-tests", *arguments])


def _copy_tree(tree: Path) -> None:
    for name in COPIED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, tree / name)


def _kept_cache(target: Target) -> Path:
    """Where the cache of this module's runs is kept: any change to its source, scope or tests to run
    names another file, so killed mutants are carried over only to the very same code."""
    key = hashlib.sha256(repr(target).encode() + (ROOT / target.path).read_bytes()).hexdigest()[:16]
    return CACHE / f"{target.path.replace('/', '.')}-{key}.sqlite"


def _restore_cache(target: Target, tree: Path) -> None:
    """The last run's killed mutants stay killed (tests were only added since, as mutmut assumes);
    every other mutant is tried again, since mutmut would not notice a new corpus text."""
    if not _kept_cache(target).exists():
        return
    shutil.copy2(_kept_cache(target), tree / ".mutmut-cache")
    with sqlite3.connect(tree / ".mutmut-cache") as db:
        db.execute("UPDATE mutant SET status = 'untested' WHERE status != 'ok_killed'")
    print(f"carrying over the mutants killed by the last run of {target.name} ({_kept_cache(target).name})",
          flush=True)


def _keep_cache(target: Target, tree: Path) -> None:
    """This run's cache, in place of those of the module's earlier sources and tests."""
    CACHE.mkdir(exist_ok=True)
    for earlier in CACHE.glob(_kept_cache(target).name.rsplit("-", 1)[0] + "-*.sqlite"):
        earlier.unlink()
    shutil.copy2(tree / ".mutmut-cache", _kept_cache(target))


class MutationFailed(Exception):
    """mutmut could not run a module, usually because its tests fail unmutated."""


def mutate(target: Target) -> Result:
    print(f"== {target.name}: {target.path}", flush=True)
    with tempfile.TemporaryDirectory(prefix="engage-mutation-") as scratch:
        tree = Path(scratch)
        _copy_tree(tree)
        _restore_cache(target, tree)
        # The copy comes first on the path, ahead of the editable install of the work tree.
        environment = {**os.environ, "MUTATION_SCOPE": ",".join(target.scope),
                       "PYTHONPATH": os.pathsep.join([str(tree), str(tree / "tools")])}
        command = [sys.executable, "-m", "mutmut", "run", "--paths-to-mutate", target.path,
                   "--runner", _test_command(target, tree), "--simple-output", "--no-progress"]
        for _ in range(ATTEMPTS):
            finished = subprocess.run(command, cwd=tree, env=environment, capture_output=True, text=True)
            # mutmut's exit status is a bit field: 1 is its own failure, the others report survivors.
            if not finished.returncode & 1:
                _run_passed_over(tree, command, environment)
                _keep_cache(target, tree)
                return _read_results(target, tree, environment)
            print(f"mutmut stopped early on {target.name}; carrying on from its cache", flush=True)
        raise MutationFailed(finished.stdout[-3000:] + finished.stderr[-3000:])


def _run_passed_over(tree: Path, command: list[str], environment: dict[str, str]) -> None:
    """mutmut 2.5.1 now and then passes over a mutant in its run of a whole file, leaving it untested
    in its cache; named on its own, it is tested like the others."""
    with sqlite3.connect(tree / ".mutmut-cache") as db:
        passed_over = [mutant_id for mutant_id, in db.execute("SELECT id FROM mutant WHERE status = 'untested'")]
    for mutant_id in passed_over:
        subprocess.run([*command[:4], str(mutant_id), *command[4:]], cwd=tree, env=environment,
                       capture_output=True, text=True)


def _read_results(target: Target, tree: Path, environment: dict[str, str]) -> Result:
    with sqlite3.connect(tree / ".mutmut-cache") as db:
        rows = db.execute("SELECT mutant.id, mutant.status, line.line_number FROM mutant "
                          "JOIN line ON mutant.line = line.id").fetchall()
    counts = {status: sum(1 for _, s, _ in rows if s == status) for status in {s for _, s, _ in rows}}
    survivors = tuple(_survivor(target, tree, environment, mutant_id, line) for mutant_id, status, line in rows
                      if status == "bad_survived")
    return Result(target, killed=counts.get("ok_killed", 0) + counts.get("ok_suspicious", 0),
                  timeout=counts.get("bad_timeout", 0), survivors=survivors)


def _survivor(target: Target, tree: Path, environment: dict[str, str], mutant_id: int, line: int) -> Survivor:
    diff = subprocess.run([sys.executable, "-m", "mutmut", "show", str(mutant_id)], cwd=tree, env=environment,
                          capture_output=True, text=True, check=True).stdout
    changed = [text for text in diff.splitlines() if text[:1] in ("-", "+") and text[:3] not in ("---", "+++")]
    removed = [text[1:].strip() for text in changed if text[0] == "-" and text[1:].strip()]
    added = [text[1:].strip() for text in changed if text[0] == "+" and text[1:].strip()]
    return Survivor(target.path, line + 1, " / ".join(removed), " / ".join(added))


def summary(result: Result) -> str:
    return (f"| {result.target.name} | {result.mutants} | {result.killed} | {result.timeout} "
            f"| {len(result.survivors)} | {result.score:.0%} |")


def survivor_line(survivor: Survivor) -> str:
    return (f"- `{survivor.path}:{survivor.line}`: `{survivor.before}` → `{survivor.after}`. "
            f"{survivor.reason or 'UNEXPLAINED: kill it with a test, or explain it in tools/mutation_survivors.py.'}")


def table(results: list[Result]) -> str:
    lines = [f"Last run: {datetime.date.today().isoformat()}, `make mutation` "
             f"(mutmut 2.5.1, Python {sys.version.split()[0]}).", "",
             "| module | mutants | killed | timeout | survived | score |",
             "| --- | ---: | ---: | ---: | ---: | ---: |", *map(summary, results),
             "", "The tests each module's mutants were run against:", ""]
    lines += [f"- {r.target.name}: " + " ".join(f"`{test}`" for test in r.target.tests) for r in results]
    lines += ["", "Surviving mutants, and why each may stay:", ""]
    survivors = [survivor for result in results for survivor in result.survivors]
    lines += [survivor_line(survivor) for survivor in survivors] or ["- none"]
    return "\n".join(lines)


def refreshed(block: str, results: list[Result]) -> str | None:
    """The table in the document with the rows and survivors of these modules replaced, or None when
    a module has no row yet (a full run writes the table first)."""
    by_name, paths = {r.target.name: r for r in results}, {r.target.path for r in results}
    rows = {line.split("|")[1].strip() for line in block.splitlines() if line.startswith("| ")}
    if not set(by_name) <= rows:
        return None
    lines = []
    for line in block.splitlines():
        if line.startswith("| ") and line.split("|")[1].strip() in by_name:
            line = summary(by_name[line.split("|")[1].strip()])
        elif line.startswith("Rerun on ") or (line.startswith("- `") and line[3:].split(":")[0] in paths):
            continue
        elif line.startswith("Last run: "):
            line += f"\nRerun on {datetime.date.today().isoformat()}: {', '.join(by_name)}."
        lines.append(line)
    lines += [survivor_line(survivor) for result in results for survivor in result.survivors]
    if lines.count("- none") and lines[-1] != "- none":
        lines.remove("- none")
    return "\n".join(lines)


def write_table(results: list[Result], every_module: bool) -> None:
    document = DOC.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + "\n?(.*?)\n?" + re.escape(END), re.DOTALL)
    block = table(results) if every_module else refreshed(pattern.search(document).group(1), results)
    if block is None:
        print("the table has no row for one of these modules yet: run every module once (make mutation)")
        return
    DOC.write_text(pattern.sub(lambda _: f"{BEGIN}\n{block}\n{END}", document), encoding="utf-8")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--run-tests"]:
        return run_tests(argv[1:])
    chosen = [t for t in TARGETS if not argv or any(word in t.name for word in argv)]
    results, failed = [], []
    for target in chosen:
        try:
            result = mutate(target)
        except MutationFailed as error:
            print(f"mutmut could not run {target.name}:\n{error}", flush=True)
            failed.append(target)
            continue
        results.append(result)
        print(summary(result), *map(survivor_line, result.survivors), sep="\n", flush=True)
    print(table(results))
    if results and not failed:
        write_table(results, every_module=len(results) == len(TARGETS))
    unexplained = [s for r in results for s in r.survivors if s.reason is None]
    below = [r.target.name for r in results if r.score < TARGET_SCORE]
    if below:
        print(f"under {TARGET_SCORE:.0%} killed: {', '.join(below)}")
    return 1 if unexplained or below or failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
