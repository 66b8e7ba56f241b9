"""Writes data/ab-checkout.csv: a simulated checkout A/B test (Python standard library only, seeded).

Usage: python3 infra/ab_dataset.py   (the file it writes is committed; this documents where it comes from)

3600 shop visitors arriving over two weeks (2026-11-02 .. 2026-11-15), each assigned 50/50 at random
to the current checkout ("control") or a one-page checkout ("new-checkout"). Made-up but shaped
like a real test: 60% mobile, conversion 11% on desktop and 8% on mobile in the control, the new
checkout adds 3 points on mobile and 1 on desktop; a converted visitor's order value is log-normal
(median about 48 EUR, the new checkout's orders 4% smaller), non-converted visitors have 0.
Columns: user_id, assigned_at (UTC, arrival order), variant, device, converted (0/1), order_value (EUR).
The same seed gives the same bytes on any Python 3.
"""
import math
import pathlib
import random

OUT = pathlib.Path(__file__).resolve().parent.parent / "data" / "ab-checkout.csv"


def main():
    rng = random.Random(20261202)
    start = 1762070400  # 2026-11-02T00:00:00Z
    span = 14 * 86400
    times = sorted(start + int(rng.random() * span) for _ in range(3600))
    lines = ["user_id,assigned_at,variant,device,converted,order_value"]
    for i, t in enumerate(times):
        variant = "new-checkout" if rng.random() < 0.5 else "control"
        device = "mobile" if rng.random() < 0.6 else "desktop"
        rate = {"mobile": 0.08, "desktop": 0.11}[device]
        if variant == "new-checkout":
            rate += {"mobile": 0.03, "desktop": 0.01}[device]
        converted = 1 if rng.random() < rate else 0
        value = 0.0
        if converted:
            # Box-Muller from two uniforms, so only random() is used
            z = math.sqrt(-2 * math.log(1 - rng.random())) * math.cos(2 * math.pi * rng.random())
            value = math.exp(math.log(48.0) + 0.6 * z) * (0.96 if variant == "new-checkout" else 1.0)
        y, rest = divmod(t - start, 86400)
        stamp = "2026-11-%02dT%02d:%02d:%02dZ" % (2 + y, rest // 3600, rest % 3600 // 60, rest % 60)
        lines.append("u%05d,%s,%s,%s,%d,%s" % (i + 1, stamp, variant, device, converted, "%.2f" % value if converted else "0"))
    OUT.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
