"""Screen a change to the accurate tier's encoder block before building it into factop.

Reads the sentence embeddings factop's training cached (FACTOP_HOME/embeddings, the
e5-small mean-pooled folder: run one `factop eval --cv` or `train --encoder e5-small`
on the language first) and the language's train + dev rows, and cross-validates
(5 folds x seeds 1-3, stratified, mean and s.d. over the 15 fold scores) a stand-in
for factop's accurate model in scikit-learn: TF-IDF of words and word pairs plus the
standardised embedding times a block scale, one balanced logistic regression. Then the
same with one more block:

  knn   the similarity-weighted opinion share of the k most similar training
        sentences (cosine on the embedding), as log-odds; for a training row its own
        label is left out (leave-one-out), so the block cannot copy the label;
  rff   random Fourier features of the standardised embedding (an RBF kernel's
        view, D columns), the nonlinear reading a kernel machine would give.

Only train + dev are read. Usage (bench/accuracy/screen.sh makes the venv):

  python bench/accuracy/screen.py LANG [--variants base,knn,rff] [--c 1.0]
      [--scale 0.1] [--k 10] [--knn-weight 0.3] [--rff-dim 1024] [--rff-gamma 0.25]
      [--rff-scale 1.0]
"""

import argparse
import csv
import glob
import hashlib
import os
import statistics
import struct
import sys
import unicodedata

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read_cache(home):
    """Every cached e5-small (mean pooling) embedding, by its key (src/encoder/cache.rs)."""
    table = {}
    for folder in glob.glob(os.path.join(home, "embeddings", "e5-small-*")):
        for path in glob.glob(os.path.join(folder, "*.emb")):
            data = open(path, "rb").read()
            if data[:8] != b"FACTOPEC" or struct.unpack("<I", data[8:12])[0] != 1:
                sys.exit(f"{path}: not a version-1 factop embedding shard")
            dim = struct.unpack("<I", data[12:16])[0]
            pos = 16 + 32 + 32
            pos += 1 + data[pos]
            (count,) = struct.unpack("<Q", data[pos : pos + 8])
            pos += 8
            for _ in range(count):
                key = data[pos : pos + 32]
                pos += 32
                table[key] = np.frombuffer(data[pos : pos + 4 * dim], dtype="<f4")
                pos += 4 * dim
    return table


def key(sentence):
    """SHA-256 of what the encoder reads: the query prefix and the text without format characters."""
    text = "".join(c for c in sentence if unicodedata.category(c) != "Cf")
    return hashlib.sha256(("query: " + text).encode("utf-8")).digest()


def load(lang, table):
    folder = os.path.join(ROOT, "data") if lang == "en" else os.path.join(ROOT, "data", lang)
    texts, labels, vectors, missing = [], [], [], 0
    for split in ("train", "dev"):
        with open(os.path.join(folder, f"{split}.csv"), encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                vector = table.get(key(row["text"]))
                if vector is None:
                    missing += 1
                    continue
                texts.append(row["text"])
                labels.append(1 if row["label"].strip().lower() in ("opinion", "subj") else 0)
                vectors.append(vector)
    if missing:
        sys.exit(f"{lang}: {missing} sentences have no cached embedding; run factop eval --cv on them first")
    return texts, np.array(labels), np.array(vectors, dtype=np.float64)


def knn_log_odds(train_unit, train_labels, unit, k, leave_self_out):
    sims = unit @ train_unit.T
    if leave_self_out:
        np.fill_diagonal(sims, -np.inf)
    nearest = np.argpartition(-sims, k, axis=1)[:, :k]
    weights = np.exp(np.take_along_axis(sims, nearest, 1) / 0.05)
    share = (weights * train_labels[nearest]).sum(1) / weights.sum(1)
    share = np.clip(share, 0.02, 0.98)
    return np.log(share / (1 - share))[:, None]


def cross_validate(args, texts, labels, vectors, variant):
    scores = []
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    for seed in (1, 2, 3):
        folds = StratifiedKFold(5, shuffle=True, random_state=seed)
        for train, test in folds.split(vectors, labels):
            words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
            blocks_train = [words.fit_transform([texts[i] for i in train])]
            blocks_test = [words.transform([texts[i] for i in test])]
            mean, sd = vectors[train].mean(0), vectors[train].std(0) + 1e-6
            standard = (vectors - mean) / sd
            blocks_train.append(csr_matrix(standard[train] * args.scale))
            blocks_test.append(csr_matrix(standard[test] * args.scale))
            if variant == "knn":
                a = knn_log_odds(unit[train], labels[train], unit[train], args.k, True)
                b = knn_log_odds(unit[train], labels[train], unit[test], args.k, False)
                blocks_train.append(csr_matrix(a * args.knn_weight))
                blocks_test.append(csr_matrix(b * args.knn_weight))
            elif variant == "rff":
                rng = np.random.default_rng(seed)
                dim = vectors.shape[1]
                gamma = args.rff_gamma / (2 * dim)
                w = rng.normal(0, np.sqrt(2 * gamma), (dim, args.rff_dim))
                b = rng.uniform(0, 2 * np.pi, args.rff_dim)
                features = np.sqrt(2.0 / args.rff_dim) * np.cos(standard @ w + b) * args.rff_scale
                blocks_train.append(csr_matrix(features[train]))
                blocks_test.append(csr_matrix(features[test]))
            elif variant != "base":
                sys.exit(f"unknown variant {variant} (base, knn, rff)")
            model = LogisticRegression(C=args.c, class_weight="balanced", max_iter=5000)
            model.fit(hstack(blocks_train).tocsr(), labels[train])
            predicted = model.predict(hstack(blocks_test).tocsr())
            scores.append(f1_score(labels[test], predicted, average="macro"))
    return scores


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("lang", choices=["en", "de", "it", "ar", "bg"])
    p.add_argument("--variants", default="base,knn,rff")
    p.add_argument("--c", type=float, default=1.0)
    p.add_argument("--scale", type=float, default=0.1)
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--knn-weight", type=float, default=0.3)
    p.add_argument("--rff-dim", type=int, default=1024)
    p.add_argument("--rff-gamma", type=float, default=0.25)
    p.add_argument("--rff-scale", type=float, default=1.0)
    args = p.parse_args()
    home = os.environ.get("FACTOP_HOME") or os.path.join(os.path.expanduser("~"), ".cache", "factop")
    texts, labels, vectors = load(args.lang, read_cache(home))
    base = None
    for variant in args.variants.split(","):
        scores = cross_validate(args, texts, labels, vectors, variant)
        means = [statistics.mean(scores[i : i + 5]) for i in range(0, 15, 5)]
        mean = statistics.mean(scores)
        if variant == "base":
            base = mean
        delta = f"  {mean - base:+.4f} vs base" if base is not None and variant != "base" else ""
        print(
            f"{args.lang}\t{variant}\t{mean:.4f} ± {statistics.stdev(scores):.4f}\t"
            f"seed means {' '.join(f'{m:.4f}' for m in means)}{delta}",
            flush=True,
        )


if __name__ == "__main__":
    main()
