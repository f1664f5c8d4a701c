"""factop on a Spark DataFrame of sentences, with DataFrame.mapInPandas.

    bash python/examples/spark.sh                    # from the repo root: venv, then this
    python python/examples/spark_mapinpandas.py      # the same, from the repo root, in an
                                                     # environment with pyspark and factop

Reads each language's dev_test CSV (id,text,label) with pandas, makes one Spark
DataFrame (id, language, text) on a local[2] session and classifies it with
mapInPandas: each Arrow batch is grouped by language and scored with that language's
built-in model, adding the columns label and opinion_probability. Each text is one
sentence, never re-split, so the output has one row per input row.

Then it checks the result against a plain run in this one process
(factop.load(lang).predict_proba(texts)): the probabilities must be exactly equal,
and prints macro-F1 per language from factop.evaluate.
"""

import os
import sys
import time

import pandas as pd
from pyspark.sql import SparkSession

import factop

DATA = {
    "en": "data/dev_test.csv",
    "de": "data/de/dev_test.csv",
    "it": "data/it/dev_test.csv",
    "ar": "data/ar/dev_test.csv",
    "bg": "data/bg/dev_test.csv",
}
OUTPUT_SCHEMA = "id string, language string, text string, label string, opinion_probability double"


def classify(batches):
    """mapInPandas function: pandas batches of (id, language, text) in, labelled out."""
    import factop  # runs in Spark's Python worker processes

    for batch in batches:
        for language, rows in batch.groupby("language", sort=False):
            # Built-in models load once per worker process and are cached by factop.
            model = factop.load(language)
            texts = rows["text"].tolist()
            # threads=1: Spark already runs one task per core (local[2] = two tasks at
            # once), so factop's own threads would only make the tasks fight for cores.
            out = rows[["id", "language", "text"]].copy()
            out["label"] = model.predict(texts, threads=1)
            out["opinion_probability"] = model.predict_proba(texts, threads=1)
            yield out


def main():
    # Gold labels stay on the driver for the F1 check; Spark sees id, language, text.
    # keep_default_na=False: a text such as "NA" stays a string, not NaN.
    frames = [
        pd.read_csv(path, dtype=str, keep_default_na=False).assign(language=language)
        for language, path in DATA.items()
    ]
    gold = pd.concat(frames, ignore_index=True)

    # Spark's Python workers must find factop: run them on this interpreter. local[2]
    # needs no network, so Spark binds to the loopback address only.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("factop-mapinpandas")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    java = spark.sparkContext._jvm.System.getProperty("java.version")
    print(f"Spark {spark.version}, pyspark {sys.modules['pyspark'].__version__}, Java {java}, "
          f"factop {factop.__version__}, Python {sys.version.split()[0]}")

    start = time.perf_counter()
    sentences = spark.createDataFrame(gold[["id", "language", "text"]])
    labelled = sentences.mapInPandas(classify, schema=OUTPUT_SCHEMA)
    result = labelled.toPandas()
    seconds = time.perf_counter() - start
    print(f"Spark job (createDataFrame, mapInPandas, toPandas): {seconds:.2f} s on "
          f"{sentences.rdd.getNumPartitions()} partitions")
    spark.stop()

    # The same rows, scored in this process without Spark.
    print(f"\n{'language':8} {'rows':>5} {'probability mismatches':>22} {'label mismatches':>16} {'macro-F1':>8}")
    total_mismatches = 0
    plain_seconds = 0.0
    for language, rows in gold.groupby("language", sort=False):
        model = factop.load(language)
        start = time.perf_counter()
        plain_probability = model.predict_proba(rows["text"].tolist())  # every core
        plain_seconds += time.perf_counter() - start
        plain = pd.DataFrame({
            "id": rows["id"],
            "plain_probability": plain_probability,
            "plain_label": model.predict(rows["text"].tolist()),
        })
        spark_rows = result[result["language"] == language]
        both = plain.merge(spark_rows, on="id", how="outer", validate="one_to_one")
        # Exact equality: a row missing on either side is NaN there, so it counts too.
        probability = int((both["plain_probability"] != both["opinion_probability"]).sum())
        label = int((both["plain_label"] != both["label"]).sum())
        total_mismatches += probability + label
        f1 = factop.evaluate(model, rows["text"], rows["label"])["macro_f1"]
        print(f"{language:8} {len(spark_rows):>5} {probability:>22} {label:>16} {f1:>8.4f}")

    print(f"\n{len(result)} rows from Spark, {len(gold)} read; "
          f"{total_mismatches} mismatches with the plain run")
    print(f"plain run: predict_proba in one process, {plain_seconds:.2f} s (loading the models not counted)")
    assert len(result) == len(gold)
    assert total_mismatches == 0, "Spark and the plain run disagree"


if __name__ == "__main__":
    main()
