from __future__ import annotations

import os
from dataclasses import replace

from conformance.engine.static import check_document
from conformance.model import Status
from conformance.profiles import resolve_profile
from conformance.registry import static_check
from conformance.specs import load_spec
from tests.conftest import FIXTURES


@static_check("_test_crashes", target="operation")
def _crashes(node, ctx):
    raise RuntimeError("boom")
    yield  # pragma: no cover


def _doc(tmp_path, text):
    p = tmp_path / "openapi.yaml"
    p.write_text(text, encoding="utf-8")
    return load_spec(str(p))


VALID = """openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get: {responses: {'200': {description: ok}}}
"""


def test_crashing_rule_gives_error_outcome_and_others_continue(tmp_path):
    rules = resolve_profile("vn-full").rules
    crashing = replace(rules["DOC001"], id="TST001", check="_test_crashes", target="operation")
    outcomes = {o.rule: o for o in check_document(_doc(tmp_path, VALID), [crashing, rules["DOC001"]])}
    assert outcomes["TST001"].status is Status.ERROR and "boom" in outcomes["TST001"].reason
    assert outcomes["DOC001"].status is Status.FAILED


def test_invalid_document_skips_rules_that_need_validity(tmp_path):
    rules = resolve_profile("vn-full").rules
    doc = _doc(tmp_path, "openapi: 3.0.3\npaths: {}\n")
    outcomes = {o.rule: o for o in check_document(doc, list(rules.values()))}
    assert outcomes["STR001"].status is Status.FAILED
    assert outcomes["SEC001"].status is Status.SKIPPED
    assert "structural validation" in outcomes["SEC001"].reason
    assert outcomes["DOC002"].status is Status.PASSED  # runs on invalid documents too


def test_passes_are_recorded_and_not_applicable_distinguished(tmp_path):
    rules = resolve_profile("vn-full").rules
    outcomes = {o.rule: o for o in check_document(_doc(tmp_path, VALID), list(rules.values()))}
    assert outcomes["SEC005"].status is Status.NOT_APPLICABLE  # no parameters at all
    assert outcomes["DATA002"].status is Status.NOT_APPLICABLE
    assert outcomes["STR001"].status is Status.PASSED


def test_findings_in_referenced_file_have_its_line():
    rules = resolve_profile("vn-full").rules
    doc = load_spec(os.path.join(FIXTURES, "specs", "multi-file", "openapi.yaml"))
    outcome = next(o for o in check_document(doc, [rules["ID002"]]) if o.rule == "ID002")
    (finding,) = outcome.findings
    assert finding.location.file.endswith("schemas.yaml") and finding.location.line == 10


# Big documents may split their rules over a forked child: the outcomes must not depend on it.

def _split_cases(tmp_path):
    legacy = load_spec(os.path.join(os.path.dirname(FIXTURES), "specs", "legacy-dvcqg-adapter", "openapi.yaml"))
    invalid = _doc(tmp_path, "openapi: 3.0.3\npaths:\n  /a:\n    get: {}\n")
    return [legacy, invalid]


def test_split_over_a_child_gives_the_same_outcomes(tmp_path, monkeypatch):
    import conformance.engine.static as static

    rules = list(resolve_profile("vn-full").rules.values())
    for doc in _split_cases(tmp_path):
        alone = check_document(doc, rules)
        monkeypatch.setattr(static, "SPLIT_MIN_NODES", 0)
        ran_here = []  # rule ids run by this process (the child's own list dies with it)
        original = static._run_rules

        def spy(doc, share, *args, **kwargs):
            ran_here.extend(r.id for r in share)
            return original(doc, share, *args, **kwargs)

        monkeypatch.setattr(static, "_run_rules", spy)
        split = check_document(doc, rules, workers=2)
        monkeypatch.undo()
        assert split == alone
        statics = {r.id for r in rules if r.kind.value == "static"}
        assert 0 < len(ran_here) < len(statics) / 1.2  # a real share ran elsewhere
        assert len({o.rule for o in split}) == len(split) == len([r for r in rules if r.kind.value == "static"])


def test_split_child_failure_hands_its_share_back(tmp_path, monkeypatch):
    import conformance.engine.static as static

    rules = list(resolve_profile("vn-full").rules.values())
    doc = _split_cases(tmp_path)[0]
    alone = check_document(doc, rules)
    monkeypatch.setattr(static, "SPLIT_MIN_NODES", 0)

    class SilentChild:  # a child that ended before sending anything
        def poll(self):
            return []

        def finish(self):
            return []

    monkeypatch.setattr(static, "start_stream", lambda work: SilentChild())
    assert check_document(doc, rules, workers=2) == alone
    monkeypatch.undo()

    # a real child that takes a group and dies with it: this process must run that group too
    monkeypatch.setattr(static, "SPLIT_MIN_NODES", 0)
    parent, original = os.getpid(), static._run_rules

    def die_in_child(*args, **kwargs):
        if os.getpid() != parent:
            os._exit(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(static, "_run_rules", die_in_child)
    assert check_document(doc, rules, workers=2) == alone


def test_task_pipe_gives_each_task_to_one_taker():
    from conformance.engine.process import ForkedStream, TaskPipe

    tasks = TaskPipe(200)

    def work(send):
        for t in iter(tasks.take, None):
            send(t)

    child = ForkedStream.start(work)
    mine = [t for t in iter(tasks.take, None)]
    theirs = child.poll() + child.finish()
    tasks.close()
    assert child.ok and sorted(mine + theirs) == list(range(200))


def test_forked_stream_messages_and_failures():
    from conformance.engine.process import ForkedStream

    def big(send):
        send({"pid": os.getpid()})
        send(list(range(300_000)))  # far bigger than a pipe's buffer

    ok = ForkedStream.start(big)
    first, second = ok.finish()
    assert ok.ok and first["pid"] != os.getpid() and second[-1] == 299_999

    def fails(send):
        send("before")
        raise RuntimeError("boom")

    bad = ForkedStream.start(fails)
    assert bad.finish() == ["before"] and not bad.ok  # what was sent arrives; the end mark does not

    def killed(send):
        send(1)
        os._exit(3)

    gone = ForkedStream.start(killed)
    assert gone.finish() == [1] and not gone.ok


def test_model_objects_survive_pickling_unchanged():
    import pickle

    from conformance.model import Finding, Location, Outcome, Severity, Subject

    loc = Location(file="a.yaml", pointer="/paths/~1x", line=3, column=5)
    finding = Finding(rule="R1", severity=Severity.WARNING, message="m", message_vi="v", location=loc,
                      details={"k": [1, 2]}, waiver=None)
    outcome = Outcome(rule="R1", subject="a.yaml", status=Status.FAILED, severity=Severity.ERROR,
                      findings=(finding, finding), reason="")
    subject = Subject(id="a.yaml", kind="spec", log_tail=("x",))
    for obj in (loc, Location(), finding, outcome, subject):
        back = pickle.loads(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
        assert back == obj and type(back) is type(obj) and hash(back.__class__) == hash(obj.__class__)
    back = pickle.loads(pickle.dumps(outcome))
    assert back.findings[0] is back.findings[1]  # shared objects stay shared
