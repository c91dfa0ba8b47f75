# Plain-PyTorch reference forwards of Hugging Face transformers' BERT, RoBERTa, DistilBERT and GPT-2
# (modeling_bert.py, modeling_roberta.py, modeling_distilbert.py, modeling_gpt2.py), written as
# functions over a state dict with HF's canonical key names, in eval mode (dropout is the identity).
# Each function follows the HF module it names line by line; the `transformers` package is not
# installed here, so this is the reference make_parity_fixtures.py computes expected outputs with.
import math

import torch
import torch.nn.functional as F


def activation(name):
    """transformers.activations.ACT2FN for the names our configs use."""
    if name in ("gelu", "gelu_python"):
        return F.gelu  # exact erf GELU
    if name in ("gelu_new", "gelu_pytorch_tanh", "gelu_fast"):
        # NewGELUActivation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))); the other two equal it up to rounding.
        return lambda x: 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))
    if name == "relu":
        return F.relu
    raise ValueError(f"activation {name} not in the reference")


def _linear(sd, name, x):
    return F.linear(x, sd[name + ".weight"], sd.get(name + ".bias"))


def _layer_norm(sd, name, x, eps):
    return F.layer_norm(x, (x.shape[-1],), sd[name + ".weight"], sd[name + ".bias"], eps)


def extended_mask(mask, dtype=torch.float32):
    """get_extended_attention_mask: (1 - mask)[:, None, None, :] * finfo.min, added to the scores."""
    return (1.0 - mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min


def _heads(x, n_heads):
    b, t, c = x.shape
    return x.view(b, t, n_heads, c // n_heads).permute(0, 2, 1, 3)


def _merge(x):
    b, h, t, d = x.shape
    return x.permute(0, 2, 1, 3).reshape(b, t, h * d)


# ----------------------------------------------------------------------------------------------- BERT / RoBERTa
def create_position_ids_from_input_ids(input_ids, padding_idx):
    """modeling_roberta.create_position_ids_from_input_ids: padding_idx + cumsum of the non-pad mask; pads get padding_idx."""
    mask = input_ids.ne(padding_idx).int()
    incremental = torch.cumsum(mask, dim=1).type_as(mask) * mask
    return incremental.long() + padding_idx


def bert_encoder(sd, cfg, input_ids, attention_mask, token_type_ids=None, prefix="bert.", roberta=False):
    """BertModel / RobertaModel forward: (sequence_output, pooled_output or None)."""
    p = prefix
    if roberta:
        position_ids = create_position_ids_from_input_ids(input_ids, cfg["pad_token_id"])
    else:
        position_ids = torch.arange(input_ids.shape[1]).unsqueeze(0).expand_as(input_ids)
    if token_type_ids is None:
        token_type_ids = torch.zeros_like(input_ids)  # the registered all-zero token_type_ids buffer
    eps = cfg["layer_norm_eps"]
    x = (sd[p + "embeddings.word_embeddings.weight"][input_ids]
         + sd[p + "embeddings.token_type_embeddings.weight"][token_type_ids]
         + sd[p + "embeddings.position_embeddings.weight"][position_ids])
    x = _layer_norm(sd, p + "embeddings.LayerNorm", x, eps)
    mask = extended_mask(attention_mask)
    n_heads = cfg["num_attention_heads"]
    act = activation(cfg["hidden_act"])
    for i in range(cfg["num_hidden_layers"]):
        layer = f"{p}encoder.layer.{i}."
        q = _heads(_linear(sd, layer + "attention.self.query", x), n_heads)
        k = _heads(_linear(sd, layer + "attention.self.key", x), n_heads)
        v = _heads(_linear(sd, layer + "attention.self.value", x), n_heads)
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(q.shape[-1]) + mask
        context = _merge(torch.matmul(torch.softmax(scores, dim=-1), v))
        attn = _layer_norm(sd, layer + "attention.output.LayerNorm", _linear(sd, layer + "attention.output.dense", context) + x, eps)
        inter = act(_linear(sd, layer + "intermediate.dense", attn))
        x = _layer_norm(sd, layer + "output.LayerNorm", _linear(sd, layer + "output.dense", inter) + attn, eps)
    pooled = None
    if p + "pooler.dense.weight" in sd:
        pooled = torch.tanh(_linear(sd, p + "pooler.dense", x[:, 0]))
    return x, pooled


def bert_mlm_logits(sd, cfg, hidden):
    """BertOnlyMLMHead: transform (dense, ACT2FN[hidden_act], LayerNorm(layer_norm_eps)), decoder tied to the word embedding, + cls.predictions.bias."""
    h = activation(cfg["hidden_act"])(_linear(sd, "cls.predictions.transform.dense", hidden))
    h = _layer_norm(sd, "cls.predictions.transform.LayerNorm", h, cfg["layer_norm_eps"])
    return F.linear(h, sd["bert.embeddings.word_embeddings.weight"], sd["cls.predictions.bias"])


def bert_classifier_logits(sd, pooled):
    """BertForSequenceClassification: dropout(pooled_output) → classifier."""
    return _linear(sd, "classifier", pooled)


def qa_logits(sd, hidden):
    """...ForQuestionAnswering: qa_outputs → split(1, dim=-1) → squeeze: (start_logits, end_logits)."""
    logits = _linear(sd, "qa_outputs", hidden)
    start, end = logits.split(1, dim=-1)
    return start.squeeze(-1), end.squeeze(-1)


def roberta_mlm_logits(sd, cfg, hidden):
    """RobertaLMHead: dense → gelu (always exact GELU) → layer_norm(layer_norm_eps) → decoder (tied) + lm_head.bias."""
    h = F.gelu(_linear(sd, "lm_head.dense", hidden))
    h = _layer_norm(sd, "lm_head.layer_norm", h, cfg["layer_norm_eps"])
    return F.linear(h, sd["roberta.embeddings.word_embeddings.weight"], sd["lm_head.bias"])


def roberta_classifier_logits(sd, hidden):
    """RobertaClassificationHead on <s>: dropout → dense → tanh → dropout → out_proj."""
    x = torch.tanh(_linear(sd, "classifier.dense", hidden[:, 0, :]))
    return _linear(sd, "classifier.out_proj", x)


# ----------------------------------------------------------------------------------------------- DistilBERT
def sinusoidal_table(n_pos, dim):
    """create_sinusoidal_embeddings: sin on even columns, cos on odd, angle pos / 10000^(2 (j // 2) / dim)."""
    import numpy as np
    position_enc = np.array([[pos / np.power(10000, 2 * (j // 2) / dim) for j in range(dim)] for pos in range(n_pos)])
    out = torch.zeros(n_pos, dim)
    out[:, 0::2] = torch.FloatTensor(np.sin(position_enc[:, 0::2]))
    out[:, 1::2] = torch.FloatTensor(np.cos(position_enc[:, 1::2]))
    return out


def distilbert_encoder(sd, cfg, input_ids, attention_mask):
    """DistilBertModel forward: last_hidden_state. LayerNorms use eps 1e-12; no token types, no pooler."""
    p = "distilbert."
    position_ids = torch.arange(input_ids.shape[1]).unsqueeze(0).expand_as(input_ids)
    x = sd[p + "embeddings.word_embeddings.weight"][input_ids] + sd[p + "embeddings.position_embeddings.weight"][position_ids]
    x = _layer_norm(sd, p + "embeddings.LayerNorm", x, 1e-12)
    n_heads = cfg["n_heads"]
    act = activation(cfg["activation"])
    bs, k_length = attention_mask.shape
    masked = (attention_mask == 0).view(bs, 1, 1, k_length)
    for i in range(cfg["n_layers"]):
        layer = f"{p}transformer.layer.{i}."
        q = _heads(_linear(sd, layer + "attention.q_lin", x), n_heads)
        k = _heads(_linear(sd, layer + "attention.k_lin", x), n_heads)
        v = _heads(_linear(sd, layer + "attention.v_lin", x), n_heads)
        q = q / math.sqrt(q.shape[-1])  # MultiHeadSelfAttention scales q before the product
        scores = torch.matmul(q, k.transpose(2, 3)).masked_fill(masked, torch.finfo(q.dtype).min)
        context = _merge(torch.matmul(torch.softmax(scores, dim=-1), v))
        sa = _layer_norm(sd, layer + "sa_layer_norm", _linear(sd, layer + "attention.out_lin", context) + x, 1e-12)
        ffn = _linear(sd, layer + "ffn.lin2", act(_linear(sd, layer + "ffn.lin1", sa)))
        x = _layer_norm(sd, layer + "output_layer_norm", ffn + sa, 1e-12)
    return x


def distilbert_mlm_logits(sd, cfg, hidden):
    """DistilBertForMaskedLM: vocab_transform → ACT2FN[activation] → vocab_layer_norm(1e-12) → vocab_projector (tied weight, own bias)."""
    h = activation(cfg["activation"])(_linear(sd, "vocab_transform", hidden))
    h = _layer_norm(sd, "vocab_layer_norm", h, 1e-12)
    return F.linear(h, sd["distilbert.embeddings.word_embeddings.weight"], sd["vocab_projector.bias"])


def distilbert_classifier_logits(sd, hidden):
    """DistilBertForSequenceClassification: h[:, 0] → pre_classifier → ReLU → dropout → classifier."""
    return _linear(sd, "classifier", F.relu(_linear(sd, "pre_classifier", hidden[:, 0])))


def distilbert_qa_logits(sd, hidden):
    """DistilBertForQuestionAnswering: dropout(qa_dropout) → qa_outputs → split."""
    return qa_logits(sd, hidden)


# ----------------------------------------------------------------------------------------------- GPT-2
def _conv1d(sd, name, x):
    """transformers.pytorch_utils.Conv1D: x @ weight + bias, weight stored [in, out]."""
    return torch.addmm(sd[name + ".bias"], x.reshape(-1, x.shape[-1]), sd[name + ".weight"]).view(*x.shape[:-1], -1)


def gpt2_body(sd, cfg, input_ids, attention_mask, position_ids=None, token_type_ids=None):
    """GPT2Model forward (eager attention): last_hidden_state after ln_f. Positions default to 0..T-1, pads included;
    token_type_ids, when given, are embedded with wte and added (GPT2Model: token_type_embeds = self.wte(token_type_ids))."""
    assert cfg.get("scale_attn_weights", True) and not cfg.get("scale_attn_by_inverse_layer_idx", False)
    p = "transformer."
    b, t = input_ids.shape
    if position_ids is None:
        position_ids = torch.arange(t).unsqueeze(0).expand(b, t)
    x = sd[p + "wte.weight"][input_ids] + sd[p + "wpe.weight"][position_ids]
    if token_type_ids is not None:
        x = x + sd[p + "wte.weight"][token_type_ids]
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    n_heads = cfg["n_head"]
    act = activation(cfg.get("activation_function", "gelu_new"))
    causal = torch.tril(torch.ones(t, t, dtype=torch.bool)).view(1, 1, t, t)
    mask = extended_mask(attention_mask)
    min_value = torch.finfo(torch.float32).min
    for i in range(cfg["n_layer"]):
        layer = f"{p}h.{i}."
        h = _layer_norm(sd, layer + "ln_1", x, eps)
        q, k, v = _conv1d(sd, layer + "attn.c_attn", h).split(x.shape[-1], dim=2)
        q, k, v = _heads(q, n_heads), _heads(k, n_heads), _heads(v, n_heads)
        w = torch.matmul(q, k.transpose(-1, -2)) / torch.full([], v.size(-1) ** 0.5)
        w = torch.where(causal, w, torch.tensor(min_value)) + mask
        a = _merge(torch.matmul(torch.softmax(w, dim=-1), v))
        x = x + _conv1d(sd, layer + "attn.c_proj", a)
        h = _layer_norm(sd, layer + "ln_2", x, eps)
        x = x + _conv1d(sd, layer + "mlp.c_proj", act(_conv1d(sd, layer + "mlp.c_fc", h)))
    return _layer_norm(sd, p + "ln_f", x, eps)


def gpt2_lm_logits(sd, hidden):
    """GPT2LMHeadModel: lm_head (no bias) tied to wte."""
    return F.linear(hidden, sd["transformer.wte.weight"])


def gpt2_last_non_pad_token(input_ids, pad_token_id):
    """GPT2ForSequenceClassification's pooling index: the rightmost token that is not pad_token_id (-1 without a pad id)."""
    if pad_token_id is None:
        assert input_ids.shape[0] == 1, "HF raises for batch > 1 without a pad token"
        return torch.full((1,), input_ids.shape[1] - 1)
    non_pad_mask = (input_ids != pad_token_id).int()
    token_indices = torch.arange(input_ids.shape[-1], dtype=torch.int32)
    return (token_indices * non_pad_mask).argmax(-1)


def gpt2_classifier_logits(sd, cfg, hidden, input_ids):
    """GPT2ForSequenceClassification: score (Linear, no bias) on every token, pooled at the last non-pad token."""
    logits = F.linear(hidden, sd["score.weight"])
    index = gpt2_last_non_pad_token(input_ids, cfg.get("pad_token_id"))
    return logits[torch.arange(input_ids.shape[0]), index]
