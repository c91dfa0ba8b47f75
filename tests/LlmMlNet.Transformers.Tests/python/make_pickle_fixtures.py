# Writes the pytorch_model.bin fixtures (Fixtures/families/*-bin and Fixtures/pickle/*) with real PyTorch
# torch.save, from the committed safetensors family fixtures, so the C# restricted unpickler is tested on
# exactly what PyTorch writes: an OrderedDict state dict with _metadata (as model.state_dict() gives), F32,
# F16 and BF16 storages, bool buffers and 0-d tensors, a tensor sharing another's storage (a tied weight),
# a slice at a storage offset, a transposed (non-contiguous) view, and a sharded checkpoint with its index.
# Also the files that must be refused: a pickle that calls os.system, one that calls builtins.eval, and the
# legacy (pre-1.6) format. Run with /usr/bin/python3 (PyTorch 1.13); deterministic; not a test dependency.
import collections
import json
import os
import shutil
import sys

import torch

torch.set_num_threads(1)
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import safetensors_io  # noqa: E402

FAMILIES = os.path.join(HERE, "..", "Fixtures", "families")
PICKLE = os.path.join(HERE, "..", "Fixtures", "pickle")


def state_dict(tensors):
    """An OrderedDict with the _metadata attribute nn.Module.state_dict() attaches."""
    sd = collections.OrderedDict(tensors)
    sd._metadata = collections.OrderedDict([("", {"version": 1})])
    return sd


def fresh(name, source):
    folder = os.path.join(FAMILIES, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for f in ("config.json", "expected.json"):
        shutil.copy(os.path.join(FAMILIES, source, f), os.path.join(folder, f))
    return folder


def views_of(tensors):
    """Same values, stored as PyTorch stores views: a transposed matrix, a slice at an offset, a tied copy."""
    out = collections.OrderedDict()
    matrices = [k for k, v in tensors.items() if v.dim() == 2 and v.shape[0] != v.shape[1] and v.is_floating_point()]
    transposed = matrices[0]
    vectors = [k for k, v in tensors.items() if v.dim() == 1 and v.is_floating_point()]
    a, b = vectors[0], vectors[1]
    joint = torch.cat([tensors[a], tensors[b]])
    for k, v in tensors.items():
        if k == transposed:
            out[k] = v.t().contiguous().t()           # stride (1, rows): non-contiguous
        elif k == a:
            out[k] = joint[: v.numel()]               # storage shared with b, offset 0
        elif k == b:
            out[k] = joint[tensors[a].numel():]       # storage offset > 0
        else:
            out[k] = v
    return out, (transposed, a, b)


def main():
    # F32 BERT with every head; views and a tie inside one file.
    bert = safetensors_io.read(os.path.join(FAMILIES, "bert", "model.safetensors"))
    folder = fresh("bert-bin", "bert")
    sd, special = views_of(bert)
    tie = "cls.predictions.decoder.weight"
    if tie not in sd:
        sd[tie] = sd["bert.embeddings.word_embeddings.weight"]  # same storage, as a tied weight is saved
    torch.save(state_dict(sd), os.path.join(folder, "pytorch_model.bin"))
    print("bert-bin views:", special)

    # F16 with TF-era names.
    f16 = safetensors_io.read(os.path.join(FAMILIES, "bert-tf-names-f16", "model.safetensors"))
    folder = fresh("bert-tf-names-f16-bin", "bert-tf-names-f16")
    torch.save(state_dict(f16), os.path.join(folder, "pytorch_model.bin"))

    # BF16 sharded, with pytorch_model.bin.index.json as transformers' save_pretrained writes it.
    bf16 = safetensors_io.read_folder(os.path.join(FAMILIES, "roberta-mlm-bf16-sharded"))
    folder = fresh("roberta-mlm-bf16-sharded-bin", "roberta-mlm-bf16-sharded")
    names = list(bf16.keys())
    shards = [names[: len(names) // 2], names[len(names) // 2:]]
    weight_map = {}
    total = 0
    for i, part in enumerate(shards):
        file = f"pytorch_model-{i + 1:05d}-of-{len(shards):05d}.bin"
        torch.save(state_dict([(k, bf16[k]) for k in part]), os.path.join(folder, file))
        for k in part:
            weight_map[k] = file
            total += bf16[k].numel() * bf16[k].element_size()
    with open(os.path.join(folder, "pytorch_model.bin.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2, sort_keys=True)
        f.write("\n")

    # GPT-2 with bool attn.bias buffers and 0-d masked_bias.
    gpt2 = safetensors_io.read(os.path.join(FAMILIES, "gpt2", "model.safetensors"))
    folder = fresh("gpt2-bin", "gpt2")
    torch.save(state_dict(gpt2), os.path.join(folder, "pytorch_model.bin"))

    # Files that must be refused without running anything.
    shutil.rmtree(PICKLE, ignore_errors=True)
    os.makedirs(PICKLE)

    class Shell:
        def __reduce__(self):
            return (os.system, ("echo llmmlnet-pwned > /tmp/llmmlnet-pwned",))

    class Eval:
        def __reduce__(self):
            return (eval, ("__import__('os').system('echo llmmlnet-pwned > /tmp/llmmlnet-pwned')",))

    small = collections.OrderedDict([("w", torch.ones(2))])
    torch.save(collections.OrderedDict([("w", torch.ones(2)), ("evil", Shell())]), os.path.join(PICKLE, "os-system.bin"))
    torch.save(collections.OrderedDict([("w", torch.ones(2)), ("evil", Eval())]), os.path.join(PICKLE, "builtins-eval.bin"))
    torch.save(small, os.path.join(PICKLE, "legacy-format.bin"), _use_new_zipfile_serialization=False)
    torch.save(small, os.path.join(PICKLE, "small.bin"))


if __name__ == "__main__":
    main()
