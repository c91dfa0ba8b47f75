"""Plain PyTorch GPT-2 greedy generation with past_key_values, timed the way `generation` times ours.

The performance peer for issue 12's generation benchmark: the same shape (preset mini: 4 layers, hidden 256,
4 heads, FFN 1024, 512 positions, the real GPT-2 vocabulary of 50,257), random weights (N(0, 0.02)), batch B of
random 128-token prompts, 128 new tokens by argmax. The loop is Hugging Face's GPT-2 with use_cache: one forward
of the prompt, then one token per step whose keys and values are concatenated to each layer's past
(torch.cat, as GPT2Attention does). As a generous peer it computes the LM head for the last position only and
uses the fused tanh GELU. Prints one JSON object: new tokens/s, prefill ms and ms per step per 32-token bucket.
Not a test dependency; run with Debian's /usr/bin/python3 (python3-torch).
"""
import argparse, json, math, statistics, time

import torch
import torch.nn.functional as F

PRESETS = {"tiny": (2, 128, 2, 512), "mini": (4, 256, 4, 1024), "small": (4, 512, 8, 2048)}


def weights(layers, c, ffn, vocab, positions):
    g = torch.Generator().manual_seed(0)
    n = lambda *shape: torch.randn(*shape, generator=g) * 0.02
    sd = {"wte": n(vocab, c), "wpe": n(positions, c), "lnf_w": torch.ones(c), "lnf_b": torch.zeros(c), "layers": []}
    for _ in range(layers):
        sd["layers"].append({"ln1_w": torch.ones(c), "ln1_b": torch.zeros(c), "attn_w": n(3 * c, c), "attn_b": torch.zeros(3 * c),
                             "proj_w": n(c, c), "proj_b": torch.zeros(c), "ln2_w": torch.ones(c), "ln2_b": torch.zeros(c),
                             "fc_w": n(ffn, c), "fc_b": torch.zeros(ffn), "out_w": n(c, ffn), "out_b": torch.zeros(c)})
    return sd


def forward(sd, heads, ids, positions, past):
    """GPT2Model forward over new ids with past_key_values; returns the last position's logits and the new past."""
    b, t = ids.shape
    x = sd["wte"][ids] + sd["wpe"][positions]
    c = x.shape[-1]
    d = c // heads
    new_past = []
    for i, layer in enumerate(sd["layers"]):
        h = F.layer_norm(x, (c,), layer["ln1_w"], layer["ln1_b"], 1e-5)
        q, k, v = F.linear(h, layer["attn_w"], layer["attn_b"]).split(c, dim=2)
        q, k, v = (z.view(b, t, heads, d).transpose(1, 2) for z in (q, k, v))
        if past is not None:
            k = torch.cat((past[i][0], k), dim=-2)
            v = torch.cat((past[i][1], v), dim=-2)
        new_past.append((k, v))
        w = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d)
        if t > 1:
            total = k.shape[-2]
            causal = torch.tril(torch.ones(total, total, dtype=torch.bool))[total - t:total, :total]
            w = torch.where(causal, w, torch.tensor(torch.finfo(w.dtype).min))
        a = torch.matmul(torch.softmax(w, dim=-1), v).transpose(1, 2).reshape(b, t, c)
        x = x + F.linear(a, layer["proj_w"], layer["proj_b"])
        h = F.layer_norm(x, (c,), layer["ln2_w"], layer["ln2_b"], 1e-5)
        x = x + F.linear(F.gelu(F.linear(h, layer["fc_w"], layer["fc_b"]), approximate="tanh"), layer["out_w"], layer["out_b"])
    last = F.layer_norm(x[:, -1, :], (c,), sd["lnf_w"], sd["lnf_b"], 1e-5)
    return F.linear(last, sd["wte"]), new_past


def generate(sd, heads, prompt, new_tokens):
    """Greedy generation; returns (prefill seconds, per-step seconds for tokens 1..new_tokens-1)."""
    b, t = prompt.shape
    start = time.perf_counter()
    logits, past = forward(sd, heads, prompt, torch.arange(t).expand(b, t), None)
    token = logits.argmax(-1)
    prefill = time.perf_counter() - start
    steps = []
    for i in range(1, new_tokens):
        start = time.perf_counter()
        logits, past = forward(sd, heads, token[:, None], torch.full((b, 1), t + i - 1), past)
        token = logits.argmax(-1)
        steps.append(time.perf_counter() - start)
    return prefill, steps


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--preset", default="mini")
    p.add_argument("--batch-size", type=int, default=1)
    p.add_argument("--prompt-length", type=int, default=128)
    p.add_argument("--new-tokens", type=int, default=128)
    p.add_argument("--vocab", type=int, default=50257)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    layers, c, heads, ffn = PRESETS[a.preset]
    sd = weights(layers, c, ffn, a.vocab, 512)
    prompt = torch.randint(0, a.vocab, (a.batch_size, a.prompt_length), generator=torch.Generator().manual_seed(1))
    runs = []
    with torch.no_grad():
        generate(sd, heads, prompt, 8)  # warm-up
        for _ in range(a.repeats):
            runs.append(generate(sd, heads, prompt, a.new_tokens))
    best = min(runs, key=lambda r: r[0] + sum(r[1]))
    prefill, steps = best
    total = prefill + sum(steps)
    buckets = [statistics.mean(steps[max(0, s - 1):s + 31]) * 1e3 for s in range(0, a.new_tokens, 32)]
    print(json.dumps({"new_tokens_per_second": a.batch_size * a.new_tokens / total, "prefill_ms": prefill * 1e3,
                      "bucket_ms_per_step": buckets}))


if __name__ == "__main__":
    main()
