"""The generated table of issue 21's ingest benchmark: id, five numeric columns, one categorical, a
yes/no label (~54 bytes a row: 1e5 rows ~5 MB, 1e7 ~540 MB). Standard library only, seeded: the same
rows and seed give the same bytes on any Python 3 (random.Random's methods used here are stable).
The label is "yes" for ~20% of rows, drawn with a logistic probability of a, b and colour, so a model
trained on it has something to find (test AUC ~0.8, not 0.5): the big pipeline's AUC checks the data
arrived intact, not only that the steps ran.
Usage: python3 gen.py ROWS OUT.csv [SEED]   (writes OUT.csv.tmp, then renames, so a killed run
leaves no half file behind for the cache)."""
import math
import os
import random
import sys

rows, path = int(float(sys.argv[1])), sys.argv[2]
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 7
r = random.Random(seed)
cats = ["red", "green", "blue", "amber", "violet"]
shift = {"red": 1.0, "green": -0.5, "blue": 0.0, "amber": 0.5, "violet": -1.0}
rand, gauss, randint, choice, expo, exp = r.random, r.gauss, r.randint, r.choice, r.expovariate, math.exp


def row(k):
    a, b, c, d, e, col = rand(), gauss(0, 1), randint(0, 1000), rand() * 100, expo(1), choice(cats)
    p = 1 / (1 + exp(-(2 * (a - 0.5) + 1.2 * b + shift[col] - 1.9)))
    return f"{k},{a:.6f},{b:.6f},{c},{d:.3f},{e:.5f},{col},{'yes' if rand() < p else 'no'}\n"


with open(path + ".tmp", "w") as f:
    f.write("id,a,b,c,d,e,colour,label\n")
    i = 0
    while i < rows:
        n = min(10000, rows - i)
        f.write("".join(row(k) for k in range(i + 1, i + n + 1)))
        i += n
os.replace(path + ".tmp", path)
