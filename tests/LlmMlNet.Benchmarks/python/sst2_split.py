"""The held-out split issue 16's real-text recipe is measured on: 2,000 labeled SST-2 training sentences to fine-tune on
and the next 2,000 distinct sentences to score on, drawn from ../shared/data/sst2-train.tsv (GLUE's training split; its
dev split is not in ../shared). Sentences are de-duplicated (GLUE's training split repeats some phrases) before the
draw, so no test sentence appears in the fine-tuning file. A third part, the 2,000 sentences after those, is a
development set for choosing rates and epochs, so that the held-out figures are not tuned on. Standard library only.
  python3 sst2_split.py ../shared/data/sst2-train.tsv OUT_DIR [--seed 16] [--train 2000] [--test 2000] [--dev 2000]
writes OUT_DIR/sst2-ft-train.tsv, sst2-heldout.tsv and sst2-dev.tsv (header `sentence<TAB>label`, as the source).
"""
import argparse, os, random

p = argparse.ArgumentParser()
p.add_argument("source"); p.add_argument("out")
p.add_argument("--seed", type=int, default=16); p.add_argument("--train", type=int, default=2000); p.add_argument("--test", type=int, default=2000)
p.add_argument("--dev", type=int, default=2000)
a = p.parse_args()
rows, seen = [], set()
with open(a.source, encoding="utf-8") as f:
    next(f)
    for line in f:
        sentence, label = line.rstrip("\n").rsplit("\t", 1)
        key = sentence.strip()
        if key and key not in seen:
            seen.add(key); rows.append((sentence, label))
random.Random(a.seed).shuffle(rows)
os.makedirs(a.out, exist_ok=True)
end = a.train + a.test
for name, part in (("sst2-ft-train.tsv", rows[:a.train]), ("sst2-heldout.tsv", rows[a.train:end]), ("sst2-dev.tsv", rows[end:end + a.dev])):
    with open(os.path.join(a.out, name), "w", encoding="utf-8") as f:
        f.write("sentence\tlabel\n")
        f.writelines(f"{s}\t{l}\n" for s, l in part)
print(f"{len(rows)} distinct sentences; wrote {a.train} to fine-tune on, {a.test} held out, {a.dev} for development to {a.out}")
