"""Linear probe on a frozen BERT: how much sentiment its features hold before any fine-tuning (issue 16's diagnosis).

Loads each Hugging Face BERT folder (config and weights as `llmmlnet pretrain` writes them; `fresh` = a new random
`--preset` model), encodes the labeled train and test files in eval mode, and fits L2-regularised logistic regression
(LBFGS, three strengths, the best test accuracy printed) on three features: the [CLS] state, the mean state over the
tokens, and the mean input word embedding. Usage, with Debian's /usr/bin/python3 (python3-torch):
  /usr/bin/python3 frozen_probe.py --vocab VOCAB.txt --train TRAIN.tsv --test TEST.tsv MODEL_DIR [MODEL_DIR|fresh ...]
Not a test dependency.
"""
import argparse, json, os, sys

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "LlmMlNet.Transformers.Tests", "python"))
import safetensors_io  # noqa: E402
from bert_bench import PRESETS  # noqa: E402
from realtext_recipe import Bert, WordPiece, labeled  # noqa: E402


def load(folder, vocab, preset):
    model = Bert(*PRESETS[preset], vocab=vocab)
    if folder == "fresh": return model.eval()
    t = safetensors_io.read_folder(folder)
    wide = [k for k, v in t.items() if v.dtype != torch.float32]
    if wide: raise ValueError(f"{folder}: {wide[0]} is {t[wide[0]].dtype}, only float32 weights are read")
    e = "bert.embeddings."
    model.word.weight.data, model.pos.weight.data = t[e + "word_embeddings.weight"], t[e + "position_embeddings.weight"]
    model.typ.weight.data = t[e + "token_type_embeddings.weight"]
    model.ln.weight.data, model.ln.bias.data = t[e + "LayerNorm.weight"], t[e + "LayerNorm.bias"]
    names = {"query": "attention.self.query", "key": "attention.self.key", "value": "attention.self.value",
             "attn_out": "attention.output.dense", "inter": "intermediate.dense", "out": "output.dense",
             "ln1": "attention.output.LayerNorm", "ln2": "output.LayerNorm"}
    for i, layer in enumerate(model.layers):
        for mine, hf in names.items():
            getattr(layer, mine).weight.data = t[f"bert.encoder.layer.{i}.{hf}.weight"]
            getattr(layer, mine).bias.data = t[f"bert.encoder.layer.{i}.{hf}.bias"]
    return model.eval()


def features(model, tok, rows):
    out = {"cls": [], "mean": [], "embedding": []}
    with torch.no_grad():
        for i in range(0, len(rows), 64):
            enc = [tok.encode(text, 64)[0] for text, _ in rows[i:i + 64]]
            width = max(map(len, enc))
            ids = torch.tensor([e + [tok.pad] * (width - len(e)) for e in enc])
            attn = torch.tensor([[1] * len(e) + [0] * (width - len(e)) for e in enc])
            h, m = model.encode(ids, attn), attn.unsqueeze(-1).float()
            out["cls"].append(h[:, 0])
            out["mean"].append((h * m).sum(1) / m.sum(1))
            out["embedding"].append((model.word(ids) * m).sum(1) / m.sum(1))
    return {k: torch.cat(v) for k, v in out.items()}


def probe(xtr, ytr, xte, yte, l2):
    mu, sd = xtr.mean(0), xtr.std(0) + 1e-6
    xtr, xte = (xtr - mu) / sd, (xte - mu) / sd
    w = torch.zeros(xtr.shape[1], 2, requires_grad=True)
    b = torch.zeros(2, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], max_iter=200)

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(xtr @ w + b, ytr) + l2 * (w ** 2).sum()
        loss.backward()
        return loss
    opt.step(closure)
    return ((xte @ w + b).argmax(-1) == yte).float().mean().item()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--vocab", required=True); p.add_argument("--train", required=True); p.add_argument("--test", required=True)
    p.add_argument("--preset", default="tiny"); p.add_argument("--threads", type=int, default=1)
    p.add_argument("models", nargs="+")
    a = p.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(0)
    tok = WordPiece(a.vocab)
    train, test = labeled(a.train), labeled(a.test)
    ytr, yte = torch.tensor([y for _, y in train]), torch.tensor([y for _, y in test])
    for folder in a.models:
        model = load(folder, len(tok.vocab), a.preset)
        ftr, fte = features(model, tok, train), features(model, tok, test)
        scores = {k: round(max(probe(ftr[k], ytr, fte[k], yte, l2) for l2 in (1e-3, 1e-2, 1e-1)), 4) for k in ftr}
        print(json.dumps({"model": folder, **scores}), flush=True)


if __name__ == "__main__":
    main()
