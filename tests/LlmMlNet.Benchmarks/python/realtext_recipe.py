"""Plain PyTorch peer of `llmmlnet demo --real`: MLM pre-training on unlabeled review text, then full and LoRA
fine-tuning of the pre-trained model and the same architecture from scratch, on the same recipe.

The reference for issue 16: the same files, tokenizer (bert-base-uncased WordPiece, re-implemented here), packing
([CLS] line [SEP] concatenated and cut into blocks), masking, model (bert_bench.py's layers), optimizer (AdamW,
decay on matrices only, clipping 1.0), warm-up and linear decay, and the fine-tuning recipe (pooler + classifier on
[CLS]; LoRA on every linear module of the encoder with the head trained). Prints a line per evaluation and, last,
one JSON object. Usage:
  /usr/bin/python3 realtext_recipe.py --vocab VOCAB.txt --unlabeled A.tsv B.jsonl --train TRAIN.tsv --test TEST.tsv
      [--steps 20000] [--eval-at 5000,10000,15000] [--seeds 1,2,3] [--ft-seeds 1,2,3] [--threads 1]
The defaults are `llmmlnet demo --real`'s recipe (RealDemoSettings.Full): tiny BERT, 20,000 steps of 64 blocks of 32 tokens, 2e-3
with 6 % warm-up and linear decay, 15 % whole-word masking (--no-whole-word: piece by piece); fine-tuning 5 epochs of batch 32 at 1e-3 (full), 2e-3 (LoRA r 8, alpha 16, all linear),
1e-3 (from scratch). Dropout 0.1 where BERT has it (embeddings, attention probabilities, each sublayer's output, classifier).
Not a test dependency; run with Debian's /usr/bin/python3 (python3-torch).
"""
import argparse, csv, json, math, os, random, resource, sys, time, unicodedata

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bert_bench import PRESETS, LoraLinear  # noqa: E402
from mlm_probe import MaskedLm  # noqa: E402


# ---------------------------------------------------------------- tokenizer (BERT basic + WordPiece, uncased)
class WordPiece:
    def __init__(self, vocab_path):
        self.vocab = {w.rstrip("\n"): i for i, w in enumerate(open(vocab_path, encoding="utf-8"))}
        self.cls, self.sep, self.mask, self.pad, self.unk = (self.vocab[t] for t in ("[CLS]", "[SEP]", "[MASK]", "[PAD]", "[UNK]"))
        self.cache = {}

    @staticmethod
    def _punct(ch):
        cp = ord(ch)
        if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
            return True
        return unicodedata.category(ch).startswith("P")

    def words(self, text):
        text = unicodedata.normalize("NFD", text.lower())
        out, cur = [], []
        for ch in text:
            cat = unicodedata.category(ch)
            if cat == "Mn" or ord(ch) == 0 or ord(ch) == 0xFFFD or (cat.startswith("C") and ch not in "\t\n\r"):
                continue
            if ch.isspace():
                if cur: out.append("".join(cur)); cur = []
            elif self._punct(ch) or 0x4E00 <= ord(ch) <= 0x9FFF:
                if cur: out.append("".join(cur)); cur = []
                out.append(ch)
            else:
                cur.append(ch)
        if cur: out.append("".join(cur))
        return out

    def piece(self, word):
        hit = self.cache.get(word)
        if hit is not None: return hit
        if len(word) > 100: return [(self.unk, False)]
        pieces, start = [], 0
        while start < len(word):
            end, found = len(word), None
            while start < end:
                sub = word[start:end] if start == 0 else "##" + word[start:end]
                if sub in self.vocab: found = self.vocab[sub]; break
                end -= 1
            if found is None: pieces = [self.unk]; break
            pieces.append(found); start = end
        res = [(p, i > 0) for i, p in enumerate(pieces)]
        self.cache[word] = res
        return res

    def encode(self, text, max_len=None):
        """ids and continues-word flags with [CLS] ... [SEP], truncated to max_len."""
        ids, cont = [self.cls], [False]
        for w in self.words(text):
            for p, c in self.piece(w):
                ids.append(p); cont.append(c)
        if max_len is not None and len(ids) > max_len - 1:
            ids, cont = ids[: max_len - 1], cont[: max_len - 1]
        return ids + [self.sep], cont + [False]


# ---------------------------------------------------------------- data, read as `llmmlnet` reads it
def read_rows(path):
    """(text, label-or-None) rows of a .txt/.tsv/.csv/.jsonl file (text column 'sentence' or 'text')."""
    ext = os.path.splitext(path)[1].lower()
    if ext == ".txt":
        return [(line.strip(), None) for line in open(path, encoding="utf-8") if line.strip()]
    if ext == ".jsonl":
        rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
        return [(r.get("text") or r.get("sentence"), r.get("label")) for r in rows]
    reader = csv.DictReader(open(path, encoding="utf-8", newline=""), delimiter="\t" if ext == ".tsv" else ",",
                            quoting=csv.QUOTE_NONE if ext == ".tsv" else csv.QUOTE_MINIMAL)
    col = "sentence" if "sentence" in reader.fieldnames else "text"
    return [(r[col].strip(), r.get("label")) for r in reader]


def pack(tok, texts, block):
    stream, flags, blocks = [], [], []
    for t in texts:
        ids, cont = tok.encode(t)
        stream += ids; flags += cont
        while len(stream) >= block:
            blocks.append((stream[:block], flags[:block])); stream, flags = stream[block:], flags[block:]
    return torch.tensor([b[0] for b in blocks]), torch.tensor([b[1] for b in blocks])


# ---------------------------------------------------------------- model
class Bert(MaskedLm):
    """mlm_probe.py's masked LM (tied head) plus BERT's pooler and a 2-class classifier on [CLS]."""

    def __init__(self, layers, hidden, heads, ffn, vocab, positions=512):
        super().__init__(layers, hidden, heads, ffn, vocab, positions, dropout=0.1)
        self.pooler = nn.Linear(hidden, hidden)
        self.classifier = nn.Linear(hidden, 2)
        for m in (self.pooler, self.classifier):
            nn.init.normal_(m.weight, std=0.02)
            nn.init.zeros_(m.bias)

    def encode(self, ids, attn):
        t = ids.shape[1]
        x = self.drop(self.ln(self.word(ids) + self.pos(torch.arange(t)).unsqueeze(0) + self.typ(torch.zeros_like(ids))))
        bias = (1.0 - attn[:, None, None, :].float()) * -1e9
        for layer in self.layers:
            x = layer(x, bias)
        return x

    def mlm_logits(self, hidden_rows):
        # Only the masked rows go through the vocabulary projection (as our row-wise head does).
        return self.norm(F.gelu(self.dense(hidden_rows))) @ self.word.weight.t() + self.bias

    def classify(self, ids, attn):
        h = self.encode(ids, attn)[:, 0]
        return self.classifier(self.drop(torch.tanh(self.pooler(h))))


def adamw(params_named, lr):
    decay = [p for n, p in params_named if p.dim() > 1 and p.requires_grad]
    rest = [p for n, p in params_named if p.dim() <= 1 and p.requires_grad]
    return torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": rest, "weight_decay": 0.0}], lr=lr)


def schedule(opt, total, warmup_ratio):
    warm = max(1, math.ceil(warmup_ratio * total))
    return torch.optim.lr_scheduler.LambdaLR(opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (total - s) / max(1, total - warm)))


def mask_batch(ids, cont, tok, vocab, prob, whole_word, gen):
    ids = ids.clone()
    special = (ids == tok.cls) | (ids == tok.sep) | (ids == tok.pad)
    draw = torch.rand(ids.shape, generator=gen)
    if whole_word:
        # A continuation piece inherits the draw of its word's first piece.
        idx = torch.arange(ids.shape[1]).expand_as(ids).clone()
        idx[cont] = 0
        first = torch.cummax(idx, dim=1).values
        draw = torch.gather(draw, 1, first)
    chosen = (draw < prob) & ~special
    labels = torch.where(chosen, ids, torch.full_like(ids, -100))
    act = torch.rand(ids.shape, generator=gen)
    ids[chosen & (act < 0.8)] = tok.mask
    rnd = chosen & (act >= 0.8) & (act < 0.9)
    ids[rnd] = torch.randint(0, vocab, (int(rnd.sum()),), generator=gen)
    return ids, labels


def pretrain(model, blocks, flags, tok, a, seed, eval_at, on_eval):
    gen = torch.Generator().manual_seed(seed)
    opt = adamw(list(model.named_parameters()), a.lr)
    sched = schedule(opt, a.steps, a.warmup)
    vocab = model.word.weight.shape[0]
    order, pos, losses = torch.randperm(len(blocks), generator=gen), 0, []
    # Pre-training's dropout replaces BERT's 0.1 here only; the fine-tuned copies are fresh Bert modules with 0.1.
    for m in model.modules():
        if isinstance(m, nn.Dropout): m.p = a.pretrain_dropout
    start = time.time(); cpu0 = time.process_time()
    paused, paused_cpu = 0.0, 0.0  # time spent fine-tuning checkpoints, not pre-training
    for step in range(1, a.steps + 1):
        if pos + a.batch > len(order):
            order, pos = torch.randperm(len(blocks), generator=gen), 0
        rows = order[pos: pos + a.batch]; pos += a.batch
        ids, labels = mask_batch(blocks[rows], flags[rows], tok, vocab, a.mask, a.whole_word, gen)
        model.train()
        h = model.encode(ids, torch.ones_like(ids))
        sel = labels != -100
        loss = F.cross_entropy(model.mlm_logits(h[sel]), labels[sel])
        opt.zero_grad(); loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step(); sched.step()
        losses.append(loss.item())
        if step % 100 == 0 or step == a.steps:
            print(f"pretrain step {step} loss {sum(losses[-100:]) / len(losses[-100:]):.3f} "
                  f"({time.time() - start - paused:.0f} s wall, {time.process_time() - cpu0 - paused_cpu:.0f} s cpu)", flush=True)
        if step in eval_at:
            t, c = time.time(), time.process_time()
            on_eval(step, t - start - paused, c - cpu0 - paused_cpu, sum(losses[-100:]) / len(losses[-100:]))
            paused += time.time() - t; paused_cpu += time.process_time() - c


def batches(tok, rows, max_len, batch, gen=None):
    order = torch.randperm(len(rows), generator=gen).tolist() if gen is not None else list(range(len(rows)))
    for i in range(0, len(order), batch):
        chunk = [rows[j] for j in order[i: i + batch]]
        enc = [tok.encode(t, max_len)[0] for t, _ in chunk]
        width = max(len(e) for e in enc)
        ids = torch.tensor([e + [tok.pad] * (width - len(e)) for e in enc])
        attn = torch.tensor([[1] * len(e) + [0] * (width - len(e)) for e in enc])
        yield ids, attn, torch.tensor([y for _, y in chunk])


def finetune(model, tok, train, test, method, a, seed):
    """Fine-tunes a copy in place and returns (accuracy, seconds)."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    lr = a.ft_lr_lora if method == "lora" else (a.ft_lr_scratch if method == "scratch" else a.ft_lr)
    if method == "lora":
        for p in model.parameters(): p.requires_grad_(False)
        targets = a.lora_modules.split(",")
        for layer in model.layers:
            for name in ("query", "key", "value", "attn_out", "inter", "out"):
                alias = {"attn_out": "attention.output", "inter": "intermediate", "out": "output"}.get(name, name)
                if "all" in targets or name in targets or alias in targets:
                    setattr(layer, name, LoraLinear(getattr(layer, name), a.lora_rank, a.lora_alpha))
        for p in list(model.pooler.parameters()) + list(model.classifier.parameters()): p.requires_grad_(True)
    opt = adamw([(n, p) for n, p in model.named_parameters() if p.requires_grad], lr)
    steps = a.ft_epochs * math.ceil(len(train) / a.ft_batch)
    sched = schedule(opt, steps, 0.06)
    start = time.time()
    for _ in range(a.ft_epochs):
        for ids, attn, y in batches(tok, train, a.ft_max_len, a.ft_batch, gen):
            model.train()
            loss = F.cross_entropy(model.classify(ids, attn), y)
            opt.zero_grad(); loss.backward()
            torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
            opt.step(); sched.step()
    seconds = time.time() - start
    model.eval(); correct = 0
    with torch.no_grad():
        for ids, attn, y in batches(tok, test, a.ft_max_len, 64):
            correct += (model.classify(ids, attn).argmax(-1) == y).sum().item()
    return correct / len(test), seconds


def labeled(path):
    rows = read_rows(path)
    return [(t, int(y)) for t, y in rows]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--vocab", required=True)
    p.add_argument("--unlabeled", nargs="+", required=True)
    p.add_argument("--train", required=True)
    p.add_argument("--test", required=True)
    p.add_argument("--preset", default="tiny")
    p.add_argument("--block", type=int, default=32)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--steps", type=int, default=20000)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--warmup", type=float, default=0.06)
    p.add_argument("--mask", type=float, default=0.15)
    p.add_argument("--whole-word", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--pretrain-dropout", type=float, default=0.1, help="dropout while pre-training, as ours --dropout (fine-tuning keeps BERT's 0.1)")
    p.add_argument("--eval-at", default="5000,10000,15000")
    p.add_argument("--ft-epochs", type=int, default=5)
    p.add_argument("--ft-batch", type=int, default=32)
    p.add_argument("--ft-max-len", type=int, default=64)
    p.add_argument("--ft-lr", type=float, default=1e-3)
    p.add_argument("--ft-lr-scratch", type=float, default=1e-3)
    p.add_argument("--ft-lr-lora", type=float, default=2e-3)
    p.add_argument("--lora-rank", type=int, default=8)
    p.add_argument("--lora-alpha", type=float, default=16)
    p.add_argument("--lora-modules", default="all")
    p.add_argument("--methods", default="full,lora,scratch")
    p.add_argument("--seeds", default="1")
    p.add_argument("--ft-seeds", default="", help="fine-tuning seeds at the last step (default: the pre-training seed); scratch runs for each")
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    tok = WordPiece(a.vocab)
    texts = [t for f in a.unlabeled for t, _ in read_rows(f) if t]
    train, test = labeled(a.train), labeled(a.test)
    t0 = time.time()
    blocks, flags = pack(tok, texts, a.block)
    print(f"corpus: {len(texts)} lines, {len(blocks)} blocks of {a.block} ({time.time() - t0:.0f} s to tokenize)", flush=True)
    eval_at = sorted({int(s) for s in a.eval_at.split(",") if s} | {a.steps})
    methods = a.methods.split(",")
    results = []
    for seed in [int(s) for s in a.seeds.split(",")]:
        torch.manual_seed(seed)
        model = Bert(*PRESETS[a.preset], vocab=len(tok.vocab))
        init_state = {k: v.clone() for k, v in model.state_dict().items()}
        ft_seeds = [int(s) for s in a.ft_seeds.split(",") if s] or [seed]
        scratch_accuracy = {}
        if "scratch" in methods:
            for fs in ft_seeds:
                scratch = Bert(*PRESETS[a.preset], vocab=len(tok.vocab)); scratch.load_state_dict(init_state)
                scratch_accuracy[fs], secs = finetune(scratch, tok, train, test, "scratch", a, fs)
                print(f"seed {seed} fine-tuning seed {fs} scratch accuracy {scratch_accuracy[fs]:.3f} ({secs:.0f} s)", flush=True)

        def on_eval(step, wall, cpu, loss):
            state = {k: v.clone() for k, v in model.state_dict().items()}
            for fs in (ft_seeds if step == a.steps else ft_seeds[:1]):
                point = {"seed": seed, "ft_seed": fs, "step": step, "pretrain_seconds": round(wall, 1), "pretrain_cpu_seconds": round(cpu, 1),
                         "mlm_loss": round(loss, 4)}
                for m in ("full", "lora"):
                    if m not in methods: continue
                    copy = Bert(*PRESETS[a.preset], vocab=len(tok.vocab)); copy.load_state_dict(state)
                    acc, secs = finetune(copy, tok, train, test, m, a, fs)
                    point[f"pretrained_{m}_accuracy"], point[f"{m}_seconds"] = round(acc, 4), round(secs, 1)
                point["scratch_accuracy"] = scratch_accuracy.get(fs)
                print("eval " + json.dumps(point), flush=True)
                results.append(point)

        pretrain(model, blocks, flags, tok, a, seed, set(eval_at), on_eval)
    last = [r for r in results if r["step"] == a.steps]
    mean = lambda k: round(sum(r[k] for r in last if r.get(k) is not None) / max(1, len(last)), 4) if last and last[0].get(k) is not None else None
    print(json.dumps({"preset": a.preset, "steps": a.steps, "seeds": len(last), "pretrained_full_accuracy": mean("pretrained_full_accuracy"),
                      "pretrained_lora_accuracy": mean("pretrained_lora_accuracy"), "scratch_accuracy": mean("scratch_accuracy"),
                      "pretrain_seconds": mean("pretrain_seconds"), "pretrain_cpu_seconds": mean("pretrain_cpu_seconds"),
                      "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "curve": results}))


if __name__ == "__main__":
    main()
