"""A DataFrame of sentences in, the same DataFrame with factop's label and P(opinion) out.

    python python/examples/dataframe.py [data/dev_test.csv]

Each row is one sentence (never re-split), so the result lines up with the input rows.
"""

import sys

import pandas as pd

import factop

path = sys.argv[1] if len(sys.argv) > 1 else "data/dev_test.csv"
frame = pd.read_csv(path)

model = factop.load("en")  # or "de", "it", "ar", "bg", "en-e5" (accurate tier), a path
frame["opinion_probability"] = model.predict_proba(frame["text"])
frame["predicted"] = model.predict(frame["text"])

print(frame[["text", "predicted", "opinion_probability"]].head(10).to_string(max_colwidth=60))
if "label" in frame:
    report = factop.evaluate(model, frame["text"], frame["label"])
    print(f"\n{report['examples']} sentences: accuracy {report['accuracy']:.3f}, macro-F1 {report['macro_f1']:.3f}")
