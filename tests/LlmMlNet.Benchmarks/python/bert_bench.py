"""Plain PyTorch BERT sequence classifier, timed the way `llmmlnet bench` times ours.

The performance peer for issue 4's comparison: same shapes (preset mini: 4 layers, hidden 256, 4 heads,
FFN 1024, vocab 30522), same modes (infer / train / lora), random ids, median step time after warm-up.
Prints one JSON object. Not a test dependency; run with Debian's /usr/bin/python3 (python3-torch).
"""
import argparse, json, math, resource, statistics, time

import torch
import torch.nn as nn
import torch.nn.functional as F

from engine_info import describe

PRESETS = {
    "tiny": (2, 128, 2, 512),
    "mini": (4, 256, 4, 1024),
    "small": (4, 512, 8, 2048),
    "medium": (8, 512, 8, 2048),
    "base": (12, 768, 12, 3072),
}


class LoraLinear(nn.Module):
    """PEFT-style LoRA around a frozen Linear: y = W x + b + (alpha/r) * B(A(x))."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float):
        super().__init__()
        self.base = base
        self.lora_a = nn.Linear(base.in_features, rank, bias=False)
        self.lora_b = nn.Linear(rank, base.out_features, bias=False)
        nn.init.kaiming_uniform_(self.lora_a.weight, a=math.sqrt(5))
        nn.init.zeros_(self.lora_b.weight)
        self.scaling = alpha / rank

    def forward(self, x):
        return self.base(x) + self.lora_b(self.lora_a(x)) * self.scaling


class Layer(nn.Module):
    """A post-LN BERT layer; `dropout` goes where Hugging Face's BertLayer puts it (attention probabilities, and each
    sublayer's output before the residual). The benchmarks keep it 0; realtext_recipe.py trains with BERT's 0.1."""

    def __init__(self, hidden, heads, ffn, dropout=0.0):
        super().__init__()
        self.heads = heads
        self.drop = nn.Dropout(dropout)
        self.query, self.key, self.value = (nn.Linear(hidden, hidden) for _ in range(3))
        self.attn_out = nn.Linear(hidden, hidden)
        self.ln1 = nn.LayerNorm(hidden, eps=1e-12)
        self.inter = nn.Linear(hidden, ffn)
        self.out = nn.Linear(ffn, hidden)
        self.ln2 = nn.LayerNorm(hidden, eps=1e-12)

    def forward(self, x, bias):
        b, t, c = x.shape
        h, d = self.heads, c // self.heads
        q = self.query(x).view(b, t, h, d).transpose(1, 2)
        k = self.key(x).view(b, t, h, d).transpose(1, 2)
        v = self.value(x).view(b, t, h, d).transpose(1, 2)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(d) + bias
        ctx = (self.drop(att.softmax(-1)) @ v).transpose(1, 2).reshape(b, t, c)
        x = self.ln1(x + self.drop(self.attn_out(ctx)))
        return self.ln2(x + self.drop(self.out(F.gelu(self.inter(x)))))


class Bert(nn.Module):
    def __init__(self, layers, hidden, heads, ffn, vocab=30522, positions=512, labels=2):
        super().__init__()
        self.word = nn.Embedding(vocab, hidden)
        self.pos = nn.Embedding(positions, hidden)
        self.typ = nn.Embedding(2, hidden)
        self.ln = nn.LayerNorm(hidden, eps=1e-12)
        self.layers = nn.ModuleList(Layer(hidden, heads, ffn) for _ in range(layers))
        self.pooler = nn.Linear(hidden, hidden)
        self.classifier = nn.Linear(hidden, labels)

    def forward(self, ids, mask):
        t = ids.shape[1]
        pos = torch.arange(t).unsqueeze(0)
        x = self.ln(self.word(ids) + self.pos(pos) + self.typ(torch.zeros_like(ids)))
        bias = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in self.layers:
            x = layer(x, bias)
        return self.classifier(torch.tanh(self.pooler(x[:, 0])))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--preset", default="mini", choices=PRESETS)
    p.add_argument("--mode", default="infer", choices=["infer", "train", "lora"])
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = Bert(*PRESETS[a.preset])
    if a.mode == "lora":
        for prm in model.parameters():
            prm.requires_grad_(False)
        for layer in model.layers:
            layer.query = LoraLinear(layer.query, 8, 16)
            layer.value = LoraLinear(layer.value, 8, 16)
        for prm in list(model.pooler.parameters()) + list(model.classifier.parameters()):
            prm.requires_grad_(True)
    trainable = [q for q in model.parameters() if q.requires_grad]
    ids = torch.randint(0, 30522, (a.batch_size, a.max_length))
    mask = torch.ones_like(ids)
    labels = torch.randint(0, 2, (a.batch_size,))
    opt = torch.optim.AdamW(trainable, lr=1e-4) if a.mode != "infer" else None
    times, cpu_times = [], []
    for step in range(a.warmup + a.steps):
        start, cpu_start = time.perf_counter(), time.process_time()
        if a.mode == "infer":
            model.eval()
            with torch.no_grad():
                model(ids, mask)
        else:
            model.train()
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(ids, mask), labels).backward()
            opt.step()
        if step >= a.warmup:
            times.append(time.perf_counter() - start)
            cpu_times.append(time.process_time() - cpu_start)
    med = statistics.median(times)
    print(json.dumps({
        "engine": "pytorch " + torch.__version__,
        "preset": a.preset, "mode": a.mode, "threads": a.threads,
        "batch_size": a.batch_size, "max_length": a.max_length,
        "tokens_per_second": a.batch_size * a.max_length / med,
        "step_ms": med * 1000,
        "cpu_step_ms": statistics.median(cpu_times) * 1000,
        "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "trainable_parameters": sum(q.numel() for q in trainable),
        **describe(),
    }))


if __name__ == "__main__":
    main()
