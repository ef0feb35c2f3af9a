#!/usr/bin/python3
"""Golden values for jgrad's sequence layers (issue 19): LSTM, GRU, scaled dot-product attention,
MultiheadAttention and TransformerEncoderLayer, computed with PyTorch in float32.

Every case seeds its own generator from its name, builds the PyTorch module, stores its state dict
(jgrad loads it with loadStateDict), random inputs, every output, a random "gout" per output, and
the gradients of sum_k sum(out_k * gout_k) with respect to every input and every parameter.

Run from the repository root with PyTorch 2.x:
    /work/venv-torch213/bin/python tools/golden/gen_seq_layers.py
Writes nn/src/test/resources/golden/seq_layers.json, read by SequenceLayersGoldenTest.
"""
import json
import os
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join("nn", "src", "test", "resources", "golden", "seq_layers.json")


def t(x):
    x = x.detach()
    return {"shape": list(x.shape), "data": [float(v) for v in x.double().reshape(-1).tolist()]}


def run(name, kind, args, module, inputs, forward, mode="train"):
    """inputs: name -> tensor (made to require grad); forward(module, inputs) -> dict of outputs."""
    if module is not None:
        module.train(mode == "train")
    ins = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
    outs = forward(module, ins)
    gouts = {k: torch.randn(v.shape) for k, v in outs.items()}
    sum((outs[k] * gouts[k]).sum() for k in outs).backward()
    grads = {k: t(v.grad) for k, v in ins.items()}
    if module is not None:
        grads.update({k: t(p.grad) for k, p in module.named_parameters()})
    return {"name": name, "kind": kind, "args": args, "mode": mode,
            "state": {} if module is None else {k: t(v) for k, v in module.state_dict().items()},
            "inputs": {k: t(v) for k, v in inputs.items()},
            "outputs": {k: t(v) for k, v in outs.items()},
            "gouts": {k: t(v) for k, v in gouts.items()}, "grads": grads}


def seed(name):
    torch.manual_seed(zlib.crc32(name.encode()))


def lstm_case(name, with_state):
    seed(name)
    m = nn.LSTM(4, 5, 2, batch_first=True)
    ins = {"x": torch.randn(3, 6, 4)}
    if with_state:
        ins["h0"] = torch.randn(2, 3, 5)
        ins["c0"] = torch.randn(2, 3, 5)

    def fwd(m, i):
        out, (h, c) = m(i["x"], (i["h0"], i["c0"])) if with_state else m(i["x"])
        return {"output": out, "h": h, "c": c}
    return run(name, "LSTM", {"input": 4, "hidden": 5, "layers": 2}, m, ins, fwd)


def gru_case(name, with_state):
    seed(name)
    m = nn.GRU(3, 4, 2, batch_first=True)
    ins = {"x": torch.randn(2, 5, 3)}
    if with_state:
        ins["h0"] = torch.randn(2, 2, 4)

    def fwd(m, i):
        out, h = m(i["x"], i["h0"]) if with_state else m(i["x"])
        return {"output": out, "h": h}
    return run(name, "GRU", {"input": 3, "hidden": 4, "layers": 2}, m, ins, fwd)


def sdpa_case(name, q, k, v, causal):
    seed(name)
    ins = {"q": torch.randn(q), "k": torch.randn(k), "v": torch.randn(v)}
    return run(name, "SDPA", {"causal": causal}, None, ins,
               lambda m, i: {"output": F.scaled_dot_product_attention(i["q"], i["k"], i["v"], is_causal=causal)})


def mha_case(name, causal, cross):
    seed(name)
    m = nn.MultiheadAttention(8, 2, batch_first=True)
    with torch.no_grad():  # non-zero biases, so their gradients and the bias paths are tested
        m.in_proj_bias.copy_(torch.randn(24) * 0.1)
        m.out_proj.bias.copy_(torch.randn(8) * 0.1)
    ins = {"x": torch.randn(2, 5, 8)}
    if cross:
        ins["kv"] = torch.randn(2, 3, 8)

    def fwd(m, i):
        if cross:
            y, _ = m(i["x"], i["kv"], i["kv"], need_weights=False)
        elif causal:
            mask = nn.Transformer.generate_square_subsequent_mask(5)
            y, _ = m(i["x"], i["x"], i["x"], need_weights=False, attn_mask=mask, is_causal=True)
        else:
            y, _ = m(i["x"], i["x"], i["x"], need_weights=False)
        return {"output": y}
    return run(name, "MultiheadAttention", {"embed": 8, "heads": 2, "causal": causal, "cross": cross}, m, ins, fwd)


def encoder_case(name, activation, norm_first, causal, dropout, mode):
    seed(name)
    m = nn.TransformerEncoderLayer(8, 2, 16, dropout, activation, batch_first=True, norm_first=norm_first)
    with torch.no_grad():
        for k, p in m.named_parameters():
            if k.startswith("norm") or k.endswith("bias"):
                p.copy_(torch.randn(p.shape) * 0.1 + (1.0 if k.endswith("weight") else 0.0))
    ins = {"x": torch.randn(2, 5, 8)}

    def fwd(m, i):
        if causal:
            mask = nn.Transformer.generate_square_subsequent_mask(5)
            return {"output": m(i["x"], src_mask=mask, is_causal=True)}
        return {"output": m(i["x"])}
    return run(name, "TransformerEncoderLayer",
               {"d": 8, "heads": 2, "ff": 16, "dropout": dropout, "activation": activation, "normFirst": norm_first,
                "causal": causal}, m, ins, fwd, mode)


def cases():
    return [lstm_case("lstm_2layer", False), lstm_case("lstm_2layer_state", True),
            gru_case("gru_2layer", False), gru_case("gru_2layer_state", True),
            sdpa_case("sdpa_cross_l3_s5", [2, 2, 3, 4], [2, 2, 5, 4], [2, 2, 5, 3], False),
            sdpa_case("sdpa_causal", [2, 3, 4, 6], [2, 3, 4, 6], [2, 3, 4, 5], True),
            mha_case("mha_self", False, False), mha_case("mha_causal", True, False),
            mha_case("mha_cross", False, True),
            encoder_case("encoder_prenorm_gelu_causal", "gelu", True, True, 0.0, "train"),
            encoder_case("encoder_postnorm_relu", "relu", False, False, 0.0, "train"),
            encoder_case("encoder_prenorm_gelu_causal_eval", "gelu", True, True, 0.1, "eval")]


def main():
    torch.set_num_threads(1)
    cs = cases()
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:  # one case per line keeps diffs readable
        f.write(json.dumps({"generator": "tools/golden/gen_seq_layers.py", "torch": torch.__version__})[:-1]
                + ', "cases": [\n')
        f.write(",\n".join(json.dumps(c) for c in cs))
        f.write("\n]}\n")
    print(f"wrote {len(cs)} cases to {OUT}")


if __name__ == "__main__":
    main()
