"""Plain PyTorch masked-LM pre-training on the synthetic corpus, then the cue probe of PolarityProbe.cs.

The reference for issue 5's claim: does a plain BERT (bert_bench.py's layers, tied MLM head) learn the
hidden polarity of the made-up words from the same corpus, vocabulary, block size, batch, steps and
learning rate as `pretraining-benefit`? That separates "the data is too hard" from "our code is wrong".
Usage: /usr/bin/python3 mlm_probe.py DATA_DIR [--steps N] [--lr R] [--block N] [--batch N] [--per-line].
Not a test dependency.
"""
import argparse, math, random, time

import torch
import torch.nn as nn
import torch.nn.functional as F

from bert_bench import PRESETS, Layer

PROBES = [
    "the film was {0} and {1} .",
    "i found the meal {0} , really {1} .",
    "honestly the hotel was {1} , even {0} .",
    "it was a {1} book , {0} in every way .",
]
POS_CUES = ["good", "great", "excellent", "wonderful", "lovely", "superb", "fantastic", "delightful"]
NEG_CUES = ["bad", "awful", "terrible", "poor", "dreadful", "horrible", "dismal", "lousy"]


class MaskedLm(nn.Module):
    def __init__(self, layers, hidden, heads, ffn, vocab, positions=512, dropout=0.0):
        super().__init__()
        self.word = nn.Embedding(vocab, hidden)
        self.pos = nn.Embedding(positions, hidden)
        self.typ = nn.Embedding(2, hidden)
        self.ln = nn.LayerNorm(hidden, eps=1e-12)
        self.drop = nn.Dropout(0.1)
        self.layers = nn.ModuleList(Layer(hidden, heads, ffn, dropout) for _ in range(layers))
        self.dense = nn.Linear(hidden, hidden)
        self.norm = nn.LayerNorm(hidden, eps=1e-12)
        self.bias = nn.Parameter(torch.zeros(vocab))
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, std=0.02)
            if isinstance(m, nn.Linear):
                nn.init.zeros_(m.bias)

    def forward(self, ids):
        t = ids.shape[1]
        x = self.drop(self.ln(self.word(ids) + self.pos(torch.arange(t)).unsqueeze(0) + self.typ(torch.zeros_like(ids))))
        bias = torch.zeros(1, 1, 1, t)
        for layer in self.layers:
            x = layer(x, bias)
        return self.norm(F.gelu(self.dense(x))) @ self.word.weight.t() + self.bias


def main():
    p = argparse.ArgumentParser()
    p.add_argument("data")
    p.add_argument("--steps", type=int, default=600)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--block", type=int, default=64)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--preset", default="tiny")
    p.add_argument("--words", type=int, default=80)
    a = p.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(1)
    random.seed(1)
    vocab = [line.rstrip("\n") for line in open(f"{a.data}/vocab.txt")]
    index = {w: i for i, w in enumerate(vocab)}
    cls, sep, mask = index["[CLS]"], index["[SEP]"], index["[MASK]"]
    stream = []
    for line in open(f"{a.data}/corpus.txt"):
        if line.strip():
            stream += [cls] + [index[w] for w in line.lower().split()] + [sep]
    blocks = torch.tensor(stream[: len(stream) // a.block * a.block]).view(-1, a.block)
    model = MaskedLm(*PRESETS[a.preset], vocab=len(vocab))
    decay = [q for n, q in model.named_parameters() if q.dim() > 1]
    rest = [q for n, q in model.named_parameters() if q.dim() <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": rest, "weight_decay": 0.0}], lr=a.lr)
    warm = max(1, int(0.06 * a.steps))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: s / warm if s < warm else max(0.0, (a.steps - s) / (a.steps - warm)))
    special = torch.tensor([cls, sep])
    start = time.time()
    order = torch.randperm(len(blocks))
    for step in range(a.steps):
        rows = order[(torch.arange(a.batch) + step * a.batch) % len(blocks)]
        ids = blocks[rows].clone()
        labels = ids.clone()
        chosen = (torch.rand(ids.shape) < 0.15) & ~torch.isin(ids, special)
        labels[~chosen] = -100
        r = torch.rand(ids.shape)
        ids[chosen & (r < 0.8)] = mask
        rnd = chosen & (r >= 0.8) & (r < 0.9)
        ids[rnd] = torch.randint(0, len(vocab), (int(rnd.sum()),))
        model.train()
        loss = F.cross_entropy(model(ids).view(-1, len(vocab)), labels.view(-1), ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 100 == 0 or step == a.steps - 1:
            print(f"step {step} loss {loss.item():.3f} ({time.time() - start:.0f} s)", flush=True)
    # The probe: the polarity words are the ones beside cue words in the corpus; recover them from vocab by corpus votes.
    votes = {}
    for line in open(f"{a.data}/corpus.txt"):
        words = line.split()
        cue = sum(w in POS_CUES for w in words) - sum(w in NEG_CUES for w in words)
        for w in words:
            votes.setdefault(w, [0, 0])
            votes[w][0] += cue > 0
            votes[w][1] += cue < 0
    cues = set(POS_CUES + NEG_CUES + ["average", "ordinary", "typical", "plain", "standard", "usual", "unremarkable", "middling"])
    probed = [w for w, (pos, neg) in votes.items() if w not in cues and (pos >= 5 and neg == 0 or neg >= 5 and pos == 0)]
    model.eval()
    pos_ids, neg_ids = [index[c] for c in POS_CUES], [index[c] for c in NEG_CUES]
    correct, scores = 0, {}
    with torch.no_grad():
        for w in probed:
            s = 0.0
            for tpl in PROBES:
                text = tpl.format(w, "average").split()
                ids = torch.tensor([[cls] + [index[x] for x in text] + [sep]])
                at = 1 + text.index("average")
                ids[0, at] = mask
                logp = F.log_softmax(model(ids)[0, at], -1)
                s += (torch.logsumexp(logp[pos_ids], 0) - torch.logsumexp(logp[neg_ids], 0)).item()
            scores[w] = s
            correct += (s > 0) == (votes[w][0] > 0)
    print(f"probe: {len(probed)} words, accuracy {correct / max(1, len(probed)):.3f}; "
          f"mean score positive {sum(s for w, s in scores.items() if votes[w][0] > 0) / max(1, sum(votes[w][0] > 0 for w in scores)):.3f}, "
          f"negative {sum(s for w, s in scores.items() if votes[w][1] > 0) / max(1, sum(votes[w][1] > 0 for w in scores)):.3f}")


if __name__ == "__main__":
    main()
