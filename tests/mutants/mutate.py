#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Mutation check: does each test suite fail when the code it guards breaks?

Each rule in tests/mutants/rules (the format is described there) names one
small source change: a file, an original text that must occur in it exactly
once, and its replacement.  For each rule, in a scratch copy of the tree:
apply it, rebuild (make all unit-tests, incremental), run only the suites
the rule names (tests/run-tests.sh REGEX, against the scratch build), put the
file back.  The mutant is killed when that run fails.

Output is TAP, one line per mutant, then the plan, then, last:
    N mutants, N killed, N survived
    ok 3 - mutant histogram_bucket_width (...): killed by test_latency_histogram: ...
    not ok 4 - mutant mark_always_mismatch (...): SURVIVED (ran ^e2e/veth_rx$)
    not ok 5 - mutant x (...): HARNESS ERROR: rule does not apply: ... found 0 times
A survived mutant is a failing test.  A rule whose original text is not
found exactly once, a mutant that does not build and a suite that fails
before any mutation (the baseline) are harness errors: reported as failures,
never counted as killed.  A rule that names a file that has moved must be
re-pointed, that is all.

    tests/mutants/mutate.py [--list] [NAME-REGEX]
      MUTANT_TIMEOUT  seconds for one mutant's suites (default 600): a run
                      that takes longer is stopped and reported as a harness
                      error, not as killed (a suite must time out by itself).
      MUTANT_KEEP=1   keep the scratch copy (its path is printed).
      MUTANT_BASELINE=passed  only build the unmutated copy: the caller has
                      just run every suite on the same tree and seen them
                      pass (tests/run-tests.sh sets it after a clean plain
                      pass); otherwise the suites the rules name run once
                      unmutated first.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
RULES = os.path.join(HERE, 'rules')
FIELDS = ('file', 'find', 'replace', 'suites', 'promise')


class Rule:
    def __init__(self, name, line):
        self.name = name
        self.line = line
        self.fields = {}

    def __getattr__(self, key):
        if key in FIELDS:
            return self.fields.get(key, '')
        raise AttributeError(key)


def parse_rules(path):
    """Rules as a list; raises ValueError naming the line of a bad one."""
    rules = []
    rule = None
    last = None
    with open(path, encoding='utf-8') as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip('\n')
            if line.startswith('|'):
                # Continuation: a newline, then the rest of the line as is.
                if not rule or last not in ('find', 'replace'):
                    raise ValueError(f'{path}:{lineno}: a "|" line continues only find or replace')
                rule.fields[last] += '\n' + line[1:]
                continue
            last = None
            if not line.strip() or line.lstrip().startswith('#'):
                continue
            m = re.fullmatch(r'\[([a-z0-9_]+)\]', line)
            if m:
                rule = Rule(m.group(1), lineno)
                rules.append(rule)
                continue
            m = re.fullmatch(r'([a-z]+): ?(.*)', line)
            if not m or not rule or m.group(1) not in FIELDS:
                raise ValueError(f'{path}:{lineno}: expected [name] or one of '
                                 f'{", ".join(FIELDS)}: got {line!r}')
            if m.group(1) in rule.fields:
                raise ValueError(f'{path}:{lineno}: {m.group(1)} given twice in [{rule.name}]')
            rule.fields[m.group(1)] = m.group(2)
            last = m.group(1)
    names = set()
    for r in rules:
        missing = [k for k in FIELDS if k not in r.fields]
        if missing:
            raise ValueError(f'{path}:{r.line}: [{r.name}] lacks {", ".join(missing)}')
        if r.name in names:
            raise ValueError(f'{path}:{r.line}: [{r.name}] is defined twice')
        if r.find == r.replace:
            raise ValueError(f'{path}:{r.line}: [{r.name}] replaces its text by itself')
        names.add(r.name)
    return rules


def copy_tree(dest):
    """The source tree without build output or git data."""
    def ignore(directory, entries):
        if os.path.abspath(directory) != TOP:
            return [e for e in entries if e == '__pycache__']
        return [e for e in entries if e in ('.git', 'build', 'results')
                or e.startswith('build-')]
    shutil.copytree(TOP, dest, ignore=ignore, symlinks=True)


def run(cmd, cwd, log, timeout=None, env=None):
    """Exit status of cmd with its output appended to log; None on timeout."""
    with open(log, 'a') as out:
        out.write(f'$ {" ".join(cmd)}\n')
        out.flush()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                env=env, start_new_session=True)
        try:
            return proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            # The suites' own traps remove their namespaces on SIGTERM.
            os.killpg(proc.pid, 15)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait()
            return None


def scratch_env(src):
    """The environment for the scratch copy: its own build directory, never
    one a caller exported (make test exports BUILD), and no jobserver or
    sanitizer settings from an enclosing make or runner."""
    env = dict(os.environ, BUILD=os.path.join(src, 'build'))
    for key in ('SAN_BUILD', 'SAN_ONLY', 'MUTANTS', 'MUTANT_BASELINE', 'SANITIZE',
                'MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'ASAN_OPTIONS', 'UBSAN_OPTIONS',
                'LSAN_OPTIONS'):
        env.pop(key, None)
    return env


def build(src, log):
    return run(['make', '-j2', '--no-print-directory', 'BUILD=build', 'all', 'unit-tests'],
               src, log, env=scratch_env(src)) == 0


def run_suites(src, regex, log, timeout):
    return run([os.path.join(src, 'tests', 'run-tests.sh'), regex], src, log, timeout,
               scratch_env(src))


def first_failure(log):
    """'suite: first failing line' from a runner log."""
    suites, line = '', ''
    with open(log, errors='replace') as f:
        for text in f:
            text = text.rstrip('\n')
            if text.startswith('failing suites: '):
                suites = text[len('failing suites: '):]
            elif text.startswith('not ok') and not line and '# SKIP' not in text.upper():
                line = text
    return f'{suites}: {line}'.strip(': ')


def main():
    args = [a for a in sys.argv[1:] if a != '--list']
    try:
        rules = parse_rules(RULES)
    except (OSError, ValueError) as e:
        print(f'mutants: {e}', file=sys.stderr)
        print('1..0')
        print('0 mutants, 0 killed, 0 survived')
        return 1
    if args:
        rules = [r for r in rules if re.search(args[0], r.name)]
    if '--list' in sys.argv:
        for r in rules:
            print(f'{r.name:28} {r.file:28} {r.suites}  ({r.promise})')
        return 0

    timeout = int(os.environ.get('MUTANT_TIMEOUT', '600'))
    scratch = tempfile.mkdtemp(prefix='xdp-hints-mutants.')
    src = os.path.join(scratch, 'src')
    logs = os.path.join(scratch, 'logs')
    os.mkdir(logs)
    copy_tree(src)
    print(f'# scratch copy: {scratch}', flush=True)

    killed = survived = errors = 0
    n = 0

    def report(ok, text):
        nonlocal n
        n += 1
        print(f'{"ok" if ok else "not ok"} {n} - {text}', flush=True)

    # Baseline: the unmutated tree builds and every suite a rule names passes.
    base_log = os.path.join(logs, 'baseline.log')
    union = '|'.join(f'({r.suites})' for r in rules) or '^$'
    started = time.time()
    if os.environ.get('MUTANT_BASELINE') == 'passed':
        # tests/run-tests.sh ran every suite on this very tree just before.
        baseline_ok = build(src, base_log)
        what = 'builds; its suites passed in the plain pass just run'
    else:
        baseline_ok = build(src, base_log) and run_suites(src, union, base_log, 2 * timeout) == 0
        what = 'builds, suites pass'
    print(f'# baseline ({time.time() - started:.0f} s): '
          f'{what if baseline_ok else "FAILS, see " + base_log}', flush=True)

    for r in rules:
        label = f'mutant {r.name} ({r.file})'
        log = os.path.join(logs, r.name + '.log')
        path = os.path.join(src, r.file)
        if not baseline_ok:
            errors += 1
            report(False, f'{label}: HARNESS ERROR: not run, the unmutated tree fails '
                          f'(see {base_log})')
            continue
        try:
            with open(path, encoding='utf-8') as f:
                original = f.read()
        except OSError as e:
            errors += 1
            report(False, f'{label}: HARNESS ERROR: rule does not apply: {r.file}: '
                          f'{e.strerror} (re-point the rule in tests/mutants/rules)')
            continue
        count = original.count(r.find)
        if count != 1:
            errors += 1
            report(False, f'{label}: HARNESS ERROR: rule does not apply: the original text '
                          f'is found {count} times in {r.file}, not once '
                          f'(re-point the rule in tests/mutants/rules): {r.find!r}')
            continue
        started = time.time()
        try:
            with open(path, 'w', encoding='utf-8') as f:
                f.write(original.replace(r.find, r.replace))
            if not build(src, log):
                errors += 1
                report(False, f'{label}: HARNESS ERROR: the mutant does not build (see {log})')
                continue
            rc = run_suites(src, r.suites, log, timeout)
        finally:
            with open(path, 'w', encoding='utf-8') as f:
                f.write(original)
        took = time.time() - started
        if rc is None:
            errors += 1
            report(False, f'{label}: HARNESS ERROR: {r.suites} still running after '
                          f'{timeout} s: a suite without its own timeout (see {log})')
        elif rc != 0:
            killed += 1
            report(True, f'{label}: killed in {took:.0f} s by {first_failure(log)}')
        else:
            survived += 1
            report(False, f'{label}: SURVIVED ({r.suites} passed, see {log})')

    # Leave the scratch build as the tree is (nothing mutated) for MUTANT_KEEP.
    print(f'1..{n}')
    if errors:
        print(f'# {errors} harness error(s): a rule to re-point, a mutant that does not '
              f'build, or a failing baseline (see above)')
    if os.environ.get('MUTANT_KEEP') == '1' or errors or survived:
        print(f'# logs kept in {logs}')
        if os.environ.get('MUTANT_KEEP') != '1':
            shutil.rmtree(src, ignore_errors=True)
    else:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f'{n} mutants, {killed} killed, {survived} survived')
    return 0 if survived == 0 and errors == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
