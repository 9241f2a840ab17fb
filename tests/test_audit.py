"""The audit ledger: long non-ASCII entries, the tampering suite, keys, batches, `rbm audit`."""

import hashlib
import json
import os

import pytest

from rbm_surveys.audit import (GENESIS, Head, Ledger, TamperError, diff_ledgers, read_head,
                               verify_ledger)
from rbm_surveys.cli import main
from rbm_surveys.errors import InputError, OutputError

LONG = "Le plan ne précise pas les mécanismes de suivi ; 规划未明确监测机制。" * 3000  # ~200 KB


def _ledger(tmp_path, n_batches=6, per_batch=10, key=None):
    ledger = Ledger(tmp_path / "ledger.jsonl", key=key)
    for b in range(n_batches):
        ledger.extend("review.decision", [{"criterion": f"c{b}-{i}", "comment": f"é{i} 中 {b}"}
                                          for i in range(per_batch)])
    return ledger


def test_long_non_ascii_entries_are_ordinary(tmp_path):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.append("review.decision", comment=LONG)          # one entry > 64 KiB
    ledger.append("review.decision", comment="ok " + LONG[:70_001])  # cut at any char
    for i in range(3):
        ledger.extend("review.decision", [{"comment": LONG[i:i + 40_000]}] * 2)
    report = verify_ledger(ledger.path)
    assert report.entries == 2 * 2 + 3 * 3 and report.batches == 5
    assert ledger.entries()[1]["comment"] == LONG
    assert os.path.getsize(ledger.path) > 5 * (1 << 16)


def _lines(path):
    return path.read_bytes().splitlines(keepends=True)


def _rehash_all(lines):
    """What a careful forger does: fix every hash after editing an entry."""
    from rbm_surveys.audit import _canonical, _digest

    prev, out = GENESIS, []
    for raw in lines:
        e = json.loads(raw)
        e["prev"] = prev
        e["hash"] = _digest(e)
        prev = e["hash"]
        out.append((_canonical(e) + "\n").encode("utf-8"))
    return out


def _forge_append(lines):
    from rbm_surveys.audit import _canonical, _digest

    last = json.loads(lines[-1])
    e = {"event": "review.decision", "at": last["at"], "seq": last["seq"] + 1,
         "prev": last["hash"], "criterion": "c0-0", "final_level": "present"}
    e["hash"] = _digest(e)
    return lines + [(_canonical(e) + "\n").encode("utf-8")]


def _edit(lines):
    e = json.loads(lines[5])
    e["comment"] = "changed"
    return lines[:5] + [(json.dumps(e, ensure_ascii=False) + "\n").encode()] + lines[6:]


TAMPERING = {
    "edit": _edit,
    "delete": lambda ls: ls[:5] + ls[6:],
    "swap": lambda ls: ls[:5] + [ls[6], ls[5]] + ls[7:],
    "truncate_last_line": lambda ls: ls[:-1],
    "truncate_last_48_lines": lambda ls: ls[:-48],
    "truncate_whole_batch": lambda ls: ls[:-11],
    "empty": lambda ls: [],
    "torn_last_line": lambda ls: ls[:-1] + [ls[-1][:-20]],
    "rewrite_after_edit": lambda ls: _rehash_all(_edit(ls)),
    "rewrite_after_cut": lambda ls: _rehash_all(ls[:30] + ls[33:]),
    "forge_append": _forge_append,
}


@pytest.mark.parametrize("attack", sorted(TAMPERING))
def test_tampering_suite_is_detected(tmp_path, attack, capsys):
    ledger = _ledger(tmp_path)
    assert verify_ledger(ledger.path).entries == 66
    ledger.path.write_bytes(b"".join(TAMPERING[attack](_lines(ledger.path))))
    with pytest.raises(TamperError):
        verify_ledger(ledger.path)
    # the command says so in one line and exits 1
    assert main(["audit", "verify", str(ledger.path)]) == 1
    out = capsys.readouterr().out.strip()
    assert out.startswith("FAILED:") and "\n" not in out
    # and a later append refuses to build on the damaged ledger
    with pytest.raises(TamperError):
        ledger.append("review.decision", criterion="x")


def test_forger_who_also_rewrites_the_checkpoint_is_caught_by_the_key(tmp_path):
    key = b"k" * 32
    ledger = _ledger(tmp_path, key=key)
    assert verify_ledger(ledger.path, key=key).authenticated
    # rewrite every hash after an edit, and a matching (unsigned) checkpoint
    lines = _rehash_all(_edit(_lines(ledger.path)))
    ledger.path.write_bytes(b"".join(lines))
    last = json.loads(lines[-1])
    ledger.checkpoint.write_text(json.dumps({"schema": "rbm-ledger-head/1", "entries": last["seq"],
                                             "hash": last["hash"]}), encoding="utf-8")
    verify_ledger(ledger.path)  # integrity alone cannot see it ...
    with pytest.raises(TamperError, match="MAC"):
        verify_ledger(ledger.path, key=key)  # ... the programme's key can
    with pytest.raises(TamperError, match="not the given key"):
        verify_ledger(tmp_path / "ledger.jsonl", key=b"x" * 32)


def test_signed_forged_append_and_wrong_key(tmp_path):
    key = b"programme-secret-key-0123456789"
    ledger = _ledger(tmp_path, key=key)
    forged = _forge_append(_lines(ledger.path))
    ledger.path.write_bytes(b"".join(forged))
    with pytest.raises(TamperError, match="mixed|outside rbm"):
        verify_ledger(ledger.path, key=key)
    # an unsigned append to a signed ledger is refused
    with pytest.raises(TamperError):
        Ledger(ledger.path).append("review.decision", criterion="x")


def test_key_file_and_environment(tmp_path, monkeypatch, capsys):
    keyfile = tmp_path / "programme.key"
    keyfile.write_text("a" * 64 + "\n", encoding="utf-8")
    from rbm_surveys.audit import read_key

    assert read_key(keyfile) == b"a" * 64
    monkeypatch.setenv("RBM_AUDIT_KEY_FILE", str(keyfile))
    assert read_key() == b"a" * 64
    ledger = _ledger(tmp_path, n_batches=2, key=read_key())
    assert main(["audit", "verify", str(ledger.path)]) == 0
    assert "authenticated with key" in capsys.readouterr().out
    short = tmp_path / "short.key"
    short.write_text("abc", encoding="utf-8")
    with pytest.raises(InputError, match="at least 16"):
        read_key(short)
    # the key itself is never written anywhere
    assert b"a" * 64 not in ledger.path.read_bytes() + ledger.checkpoint.read_bytes()


def test_verify_and_diff_commands(tmp_path, capsys):
    ledger = _ledger(tmp_path, n_batches=2)
    backup = tmp_path / "backup.jsonl"
    backup.write_bytes(ledger.path.read_bytes())
    ledger.extend("review.decision", [{"criterion": "new"}])
    assert main(["audit", "verify", str(ledger.path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok:") and "24 entries in 3 batch(es)" in out and out.count("\n") == 1
    assert main(["audit", "diff", str(backup), str(ledger.path)]) == 0
    assert "extends" in capsys.readouterr().out
    assert main(["audit", "diff", str(ledger.path), str(backup)]) == 1
    assert "lacks the last 2" in capsys.readouterr().out
    edited = tmp_path / "edited.jsonl"
    edited.write_bytes(b"".join(_edit(_lines(ledger.path))))
    ok, line = diff_ledgers(ledger.path, edited)
    assert not ok and "entry 6" in line and "comment" in line
    # no checkpoint beside a copied ledger: refused unless --no-checkpoint
    assert main(["audit", "verify", str(backup)]) == 1
    assert "no checkpoint" in capsys.readouterr().out
    assert main(["audit", "verify", str(backup), "--no-checkpoint"]) == 0
    # an old checkpoint given explicitly still has to match
    old_head = tmp_path / "old.head.json"
    old_head.write_text(json.dumps({"schema": "rbm-ledger-head/1", "entries": 22,
                                    "hash": "f" * 64}), encoding="utf-8")
    assert main(["audit", "verify", str(ledger.path), "--checkpoint", str(old_head)]) == 1
    assert "rewritten" in capsys.readouterr().out
    assert main(["audit", "verify", str(tmp_path / "nope.jsonl")]) == 2


def test_failed_append_leaves_no_partial_batch(tmp_path, monkeypatch):
    ledger = _ledger(tmp_path, n_batches=1)
    before = ledger.path.read_bytes()
    real_write = os.write
    calls = {"n": 0}

    def half_then_full_disk(fd, data):
        calls["n"] += 1
        if calls["n"] == 1:
            return real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("rbm_surveys.audit.os.write", half_then_full_disk)
    with pytest.raises(OutputError, match="nothing was recorded"):
        ledger.extend("review.decision", [{"comment": LONG}, {"comment": "b"}])
    monkeypatch.undo()
    assert ledger.path.read_bytes() == before
    assert verify_ledger(ledger.path).entries == 11


def test_head_text_and_checkpoint(tmp_path):
    ledger = _ledger(tmp_path, n_batches=1)
    head = read_head(ledger.checkpoint)
    assert head.entries == 11 and head.hash == ledger.entries()[-1]["hash"]
    assert Head.parse(head.as_text()) == Head(11, head.hash)
    with pytest.raises(InputError):
        Head.parse("12:" + "z" * 64)
    assert hashlib.sha256(b"").hexdigest() != head.hash


def test_batch_prepared_against_a_stale_head_is_refused(tmp_path):
    from rbm_surveys.errors import UsageError

    ledger = _ledger(tmp_path, n_batches=1)
    old = ledger.head()
    lines, new = ledger.prepare([("review.decision", {"criterion": "late"})], old)
    Ledger(ledger.path).extend("review.decision", [{"criterion": "first"}])  # someone else
    with pytest.raises(UsageError, match="changed while this batch was prepared"):
        ledger.write(lines, new, old)
    assert verify_ledger(ledger.path).entries == 13
