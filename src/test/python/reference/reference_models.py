"""The published forward passes (LAYOUTS.md §1-§3) in float32 PyTorch, written out op by op, plus the loaders
that turn each release layout into them. Nothing here comes from the Java importer."""

import json
import math

import numpy as np
import torch
import torch.utils.mkldnn

import hf_defaults
from checkpoint_io import read_npz, read_safetensors

SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
ACTIVATIONS = {
    "quick_gelu": lambda x: x * torch.sigmoid(1.702 * x),
    "gelu": lambda x: 0.5 * x * (1 + torch.erf(x / math.sqrt(2))),
    "gelu_tanh": lambda x: 0.5 * x * (1 + torch.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x ** 3))),
}
HF_ACTIVATIONS = {"quick_gelu": "quick_gelu", "gelu": "gelu", "gelu_new": "gelu_tanh", "gelu_pytorch_tanh": "gelu_tanh"}


def layer_norm(x, weight, bias, eps):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * weight + bias


def mkldnn_linear(weight, bias):
    """y = x Wᵀ + b through oneDNN. Debian's python3-torch multiplies dense matrices with the reference BLAS
    (libblas3), some 25 times slower than oneDNN on this machine: a full-size image tower would take minutes."""
    layer = torch.nn.Linear(weight.shape[1], weight.shape[0])
    with torch.no_grad():
        layer.weight.copy_(weight)
        layer.bias.copy_(bias)
    return torch.utils.mkldnn.to_mkldnn(layer.eval())


class Block:
    """One transformer layer in torch Linear convention (weights [out, in]): q, k, v, o, fc1, fc2, ln1, ln2."""

    def __init__(self, **tensors):
        self.__dict__.update({k: t(v) for k, v in tensors.items()})
        self.linear = {name: mkldnn_linear(getattr(self, name + "_w"), getattr(self, name + "_b"))
                       for name in ("q", "k", "v", "o", "fc1", "fc2")}

    def attention(self, x, heads, bias):
        b, n, d = x.shape
        hd = d // heads

        def split(t):
            return t.view(b, n, heads, hd).transpose(1, 2)

        q, k, v = (split(self.linear[name](x)) for name in "qkv")
        logits = q @ k.transpose(-1, -2) / math.sqrt(hd)
        if bias is not None:
            logits = logits + bias
        mixed = (torch.softmax(logits, dim=-1) @ v).transpose(1, 2).reshape(b, n, d)
        return self.linear["o"](mixed)

    def mlp(self, x, act):
        return self.linear["fc2"](act(self.linear["fc1"](x)))

    def pre_ln(self, x, heads, act, eps, bias=None):
        x = x + self.attention(layer_norm(x, self.ln1_w, self.ln1_b, eps), heads, bias)
        return x + self.mlp(layer_norm(x, self.ln2_w, self.ln2_b, eps), act)

    def post_ln(self, x, heads, act, eps, bias=None):
        x = layer_norm(x + self.attention(x, heads, bias), self.ln1_w, self.ln1_b, eps)
        return layer_norm(x + self.mlp(x, act), self.ln2_w, self.ln2_b, eps)


def t(array):
    return torch.tensor(np.asarray(array, dtype=np.float32))  # a copy: the readers' arrays are read-only


def normalise(x):
    return x / x.norm(dim=-1, keepdim=True)


class Clip:
    """OpenAI CLIP ViT (clip/model.py): pre-LN blocks, LayerNorm eps 1e-5, causal text, eot pooling."""

    def __init__(self, p, dims, activation):
        self.p, self.d, self.act, self.eps = p, dims, ACTIVATIONS[activation], 1e-5

    def images(self, pixels):
        """pixels: float32 NCHW, normalised with the model's mean/std."""
        p, d = self.p, self.d
        x = torch.nn.functional.conv2d(pixels, p["conv"], stride=d["patch"])
        x = x.flatten(2).transpose(1, 2)
        cls = p["class"].expand(x.shape[0], 1, -1)
        x = torch.cat([cls, x], dim=1) + p["v_pos"]
        x = layer_norm(x, p["ln_pre_w"], p["ln_pre_b"], self.eps)
        for block in p["v_blocks"]:
            x = block.pre_ln(x, d["v_heads"], self.act, self.eps)
        x = layer_norm(x[:, 0], p["ln_post_w"], p["ln_post_b"], self.eps)
        return normalise(x @ p["v_proj"])

    def texts(self, ids):
        p, d = self.p, self.d
        ids = torch.as_tensor(ids, dtype=torch.long)
        n = ids.shape[1]
        x = p["tok"][ids] + p["t_pos"][:n]
        causal = torch.full((n, n), float("-inf")).triu(1)
        for block in p["t_blocks"]:
            x = block.pre_ln(x, d["t_heads"], self.act, self.eps, causal)
        x = layer_norm(x, p["ln_final_w"], p["ln_final_b"], self.eps)
        x = x[torch.arange(x.shape[0]), ids.argmax(dim=-1)]
        return normalise(x @ p["t_proj"])


class Lit:
    """vit_jax LitModel: ViT image tower (pre-LN, eps 1e-6, tanh gelu, CLS, optional head) and flaxformer BERT
    (post-LN, eps 1e-12, tanh gelu, padding mask from nonzero ids, CLS row, head)."""

    def __init__(self, p, dims):
        self.p, self.d, self.act = p, dims, ACTIVATIONS["gelu_tanh"]

    def images(self, pixels):
        """pixels: float32 NHWC in [-1, 1]."""
        p, d = self.p, self.d
        x = torch.nn.functional.conv2d(pixels.permute(0, 3, 1, 2), p["conv"], p["conv_b"], stride=d["patch"])
        x = x.flatten(2).transpose(1, 2)
        x = torch.cat([p["cls"].expand(x.shape[0], 1, -1), x], dim=1) + p["v_pos"]
        for block in p["v_blocks"]:
            x = block.pre_ln(x, d["v_heads"], self.act, 1e-6)
        x = layer_norm(x, p["enc_norm_w"], p["enc_norm_b"], 1e-6)[:, 0]
        if "v_head_w" in p:
            x = x @ p["v_head_w"] + p["v_head_b"]
        return normalise(x)

    def texts(self, ids):
        p, d = self.p, self.d
        ids = torch.as_tensor(ids, dtype=torch.long)
        n = ids.shape[1]
        x = p["tok"][ids] + p["t_pos"][:n] + p["seg"][0]
        x = layer_norm(x, p["emb_ln_w"], p["emb_ln_b"], 1e-12)
        mask = ids != 0
        pair = mask[:, None, :, None] & mask[:, None, None, :]
        bias = torch.where(pair, torch.tensor(0.0), torch.tensor(-1e10))
        for block in p["t_blocks"]:
            x = block.post_ln(x, d["t_heads"], self.act, 1e-12, bias)
        x = x[:, 0] @ p["t_head_w"] + p["t_head_b"]
        return normalise(x)


# ---------------------------------------------------------------- loaders

def expect(tensors, name, shape):
    if name not in tensors:
        raise ValueError(f"missing tensor {name}")
    found = list(tensors[name].shape)
    if found != list(shape):
        raise ValueError(f"tensor {name}: expected {list(shape)}, found {found}")
    return tensors[name]


def openai_blocks(tensors, prefix, width, layers):
    blocks = []
    for i in range(layers):
        b = f"{prefix}resblocks.{i}."
        g = lambda name, *shape: expect(tensors, b + name, shape)  # noqa: E731
        qkv_w, qkv_b = g("attn.in_proj_weight", 3 * width, width), g("attn.in_proj_bias", 3 * width)
        hidden = tensors[b + "mlp.c_fc.weight"].shape[0]
        blocks.append(Block(
            q_w=qkv_w[:width], k_w=qkv_w[width:2 * width], v_w=qkv_w[2 * width:],
            q_b=qkv_b[:width], k_b=qkv_b[width:2 * width], v_b=qkv_b[2 * width:],
            o_w=g("attn.out_proj.weight", width, width), o_b=g("attn.out_proj.bias", width),
            ln1_w=g("ln_1.weight", width), ln1_b=g("ln_1.bias", width),
            ln2_w=g("ln_2.weight", width), ln2_b=g("ln_2.bias", width),
            fc1_w=g("mlp.c_fc.weight", hidden, width), fc1_b=g("mlp.c_fc.bias", hidden),
            fc2_w=g("mlp.c_proj.weight", width, hidden), fc2_b=g("mlp.c_proj.bias", width)))
    return blocks


def hf_blocks(tensors, prefix, width, layers, hidden):
    blocks = []
    for i in range(layers):
        b = f"{prefix}.layers.{i}."
        g = lambda name, *shape: expect(tensors, b + name, shape)  # noqa: E731
        parts = {}
        for short, name in (("q", "q_proj"), ("k", "k_proj"), ("v", "v_proj"), ("o", "out_proj")):
            parts[short + "_w"] = g(f"self_attn.{name}.weight", width, width)
            parts[short + "_b"] = g(f"self_attn.{name}.bias", width)
        blocks.append(Block(
            ln1_w=g("layer_norm1.weight", width), ln1_b=g("layer_norm1.bias", width),
            ln2_w=g("layer_norm2.weight", width), ln2_b=g("layer_norm2.bias", width),
            fc1_w=g("mlp.fc1.weight", hidden, width), fc1_b=g("mlp.fc1.bias", hidden),
            fc2_w=g("mlp.fc2.weight", width, hidden), fc2_b=g("mlp.fc2.bias", width), **parts))
    return blocks


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def load_openclip(folder):
    """(Clip, dims, preprocess_cfg) from open_clip_config.json + open_clip_model.safetensors."""
    config = read_json(folder / "open_clip_config.json")
    m = config["model_cfg"]
    vc, tc = m["vision_cfg"], m["text_cfg"]
    quick = m.get("quick_gelu", False)
    if not isinstance(quick, bool):
        raise ValueError(f"model_cfg.quick_gelu: expected true or false, found {quick!r}")
    for key in ("timm_model_name", "hf_model_name"):
        if vc.get(key) or tc.get(key):
            raise ValueError(f"unsupported architecture: {key}")
    size = vc["image_size"] if isinstance(vc["image_size"], int) else vc["image_size"][0]
    vw, tw = vc["width"], tc["width"]
    d = dict(image=size, patch=vc["patch_size"], v_width=vw, v_layers=vc["layers"],
             v_heads=vw // vc.get("head_width", 64), t_width=tw, t_layers=tc["layers"], t_heads=tc["heads"],
             context=tc.get("context_length", 77), vocab=tc.get("vocab_size", 49408), embed=m["embed_dim"])
    tensors, _ = read_safetensors(folder / "open_clip_model.safetensors")
    g = lambda name, *shape: t(expect(tensors, name, shape))  # noqa: E731
    tokens = (d["image"] // d["patch"]) ** 2 + 1
    p = dict(conv=g("visual.conv1.weight", vw, 3, d["patch"], d["patch"]),
             **{"class": g("visual.class_embedding", vw)},
             v_pos=g("visual.positional_embedding", tokens, vw),
             ln_pre_w=g("visual.ln_pre.weight", vw), ln_pre_b=g("visual.ln_pre.bias", vw),
             v_blocks=openai_blocks(tensors, "visual.transformer.", vw, d["v_layers"]),
             ln_post_w=g("visual.ln_post.weight", vw), ln_post_b=g("visual.ln_post.bias", vw),
             v_proj=g("visual.proj", vw, d["embed"]),
             tok=g("token_embedding.weight", d["vocab"], tw), t_pos=g("positional_embedding", d["context"], tw),
             t_blocks=openai_blocks(tensors, "transformer.", tw, d["t_layers"]),
             ln_final_w=g("ln_final.weight", tw), ln_final_b=g("ln_final.bias", tw),
             t_proj=g("text_projection", tw, d["embed"]))
    return Clip(p, d, "quick_gelu" if quick else "gelu"), d, config.get("preprocess_cfg", {})


def load_hf(folder):
    config = read_json(folder / "config.json")
    if config.get("model_type", "clip") != "clip" or config.get("architectures", ["CLIPModel"]) != ["CLIPModel"]:
        raise ValueError(f"unsupported architecture {config.get('architectures')}")
    tc = hf_defaults.sub_config(config, "text_config", hf_defaults.TEXT_DEFAULTS)
    vc = hf_defaults.sub_config(config, "vision_config", hf_defaults.VISION_DEFAULTS)
    acts = {HF_ACTIVATIONS.get(c["hidden_act"]) for c in (tc, vc)}
    if None in acts or len(acts) != 1:
        raise ValueError(f"unsupported hidden_act {tc['hidden_act']!r} / {vc['hidden_act']!r}")
    for c in (tc, vc):
        if c["layer_norm_eps"] != 1e-5:
            raise ValueError("the reference implements layer_norm_eps 1e-5 only")
    vw, tw = vc["hidden_size"], tc["hidden_size"]
    embed = config.get("projection_dim", 512)
    d = dict(image=vc["image_size"], patch=vc["patch_size"], v_width=vw, v_layers=vc["num_hidden_layers"],
             v_heads=vc["num_attention_heads"], t_width=tw, t_layers=tc["num_hidden_layers"],
             t_heads=tc["num_attention_heads"], context=tc["max_position_embeddings"], vocab=tc["vocab_size"],
             embed=embed)
    tensors, _ = read_safetensors(folder / "model.safetensors")
    g = lambda name, *shape: t(expect(tensors, name, shape))  # noqa: E731
    tokens = (d["image"] // d["patch"]) ** 2 + 1
    e = "vision_model.embeddings."
    p = dict(conv=g(e + "patch_embedding.weight", vw, 3, d["patch"], d["patch"]),
             **{"class": g(e + "class_embedding", vw)},
             v_pos=g(e + "position_embedding.weight", tokens, vw),
             ln_pre_w=g("vision_model.pre_layrnorm.weight", vw), ln_pre_b=g("vision_model.pre_layrnorm.bias", vw),
             v_blocks=hf_blocks(tensors, "vision_model.encoder", vw, d["v_layers"], vc["intermediate_size"]),
             ln_post_w=g("vision_model.post_layernorm.weight", vw),
             ln_post_b=g("vision_model.post_layernorm.bias", vw),
             v_proj=g("visual_projection.weight", embed, vw).T.contiguous(),
             tok=g("text_model.embeddings.token_embedding.weight", d["vocab"], tw),
             t_pos=g("text_model.embeddings.position_embedding.weight", d["context"], tw),
             t_blocks=hf_blocks(tensors, "text_model.encoder", tw, d["t_layers"], tc["intermediate_size"]),
             ln_final_w=g("text_model.final_layer_norm.weight", tw),
             ln_final_b=g("text_model.final_layer_norm.bias", tw),
             t_proj=g("text_projection.weight", embed, tw).T.contiguous())
    return Clip(p, d, acts.pop()), d, read_json(folder / "preprocessor_config.json")


def lit_files(folder):
    npz = sorted(folder.glob("*.npz"))
    if len(npz) != 1:
        raise ValueError(f"{folder}: expected one .npz, found {len(npz)}")
    return npz[0], npz[0].with_suffix(".txt")


def _count(tensors, pattern):
    i = 0
    while any(k.startswith(pattern.format(i)) for k in tensors):
        i += 1
    return i


VIT_NAMES = dict(q="MultiHeadDotProductAttention_0/query", k="MultiHeadDotProductAttention_0/key",
                 v="MultiHeadDotProductAttention_0/value", o="MultiHeadDotProductAttention_0/out",
                 fc1="MlpBlock_0/Dense_0", fc2="MlpBlock_0/Dense_1", ln1="LayerNorm_0", ln2="LayerNorm_1")
BERT_NAMES = dict(q="attention_block/attention_layer/query", k="attention_block/attention_layer/key",
                  v="attention_block/attention_layer/value", o="attention_block/dense_layer",
                  fc1="mlp_block/mlp/dense_layer", fc2="mlp_block/dense_layer", ln1="attention_block/layer_norm",
                  ln2="mlp_block/layer_norm")


def flax_block(tensors, prefix, names, width):
    """A flax layer as a Block. Flax kernels are [in..., out...]: ViT's q/k/v [W, H, W/H] and out [H, W/H, W],
    flaxformer's flat [in, out]; flattened to [in, out] and transposed to torch's [out, in]."""
    mlp = tensors[prefix + names["fc1"] + "/bias"].size if prefix + names["fc1"] + "/bias" in tensors else 0
    sizes = dict(q=(width, width), k=(width, width), v=(width, width), o=(width, width), fc1=(width, mlp),
                 fc2=(mlp, width))
    parts = {}
    for short, (n_in, n_out) in sizes.items():
        kernel, bias = prefix + names[short] + "/kernel", prefix + names[short] + "/bias"
        for name, size in ((kernel, n_in * n_out), (bias, n_out)):
            if name not in tensors:
                raise ValueError(f"missing tensor {name}")
            if tensors[name].size != size:
                raise ValueError(f"tensor {name}: expected {size} values, found shape {list(tensors[name].shape)}")
        parts[short + "_w"] = tensors[kernel].reshape(n_in, n_out).T
        parts[short + "_b"] = tensors[bias].reshape(n_out)
    for short in ("ln1", "ln2"):
        parts[short + "_w"] = expect(tensors, prefix + names[short] + "/scale", [width])
        parts[short + "_b"] = expect(tensors, prefix + names[short] + "/bias", [width])
    return Block(**parts)


def load_lit(folder):
    path, _ = lit_files(folder)
    tensors = read_npz(path)
    if any(k.startswith("img/conv_root") for k in tensors):
        raise ValueError("unsupported architecture: ResNet root in the image tower")
    kernel = tensors["img/embedding/kernel"]
    patch, vw = kernel.shape[0], kernel.shape[3]
    q = tensors["img/Transformer/encoderblock_0/MultiHeadDotProductAttention_0/query/kernel"]
    v_heads = q.shape[1]
    tokens = tensors["img/Transformer/posembed_input/pos_embedding"].shape[1]
    grid = math.isqrt(tokens - 1)
    enc = "txt/BertEncoder_0/"
    tw = tensors[enc + "layer_norm/scale"].shape[0]
    d = dict(image=grid * patch, patch=patch, v_width=vw, v_heads=v_heads,
             v_layers=_count(tensors, "img/Transformer/encoderblock_{}/"),
             t_width=tw, t_heads=tw // 64,
             t_layers=_count(tensors, enc + "encoder_block/layer_sequence/layers_{}/"),
             embed=tensors["txt/head/kernel"].shape[1], max_len=16)
    g = lambda name, *shape: expect(tensors, name, shape)  # noqa: E731
    v_blocks = [flax_block(tensors, f"img/Transformer/encoderblock_{i}/", VIT_NAMES, vw)
                for i in range(d["v_layers"])]
    t_blocks = [flax_block(tensors, f"{enc}encoder_block/layer_sequence/layers_{i}/", BERT_NAMES, tw)
                for i in range(d["t_layers"])]
    p = dict(conv=t(kernel.transpose(3, 2, 0, 1)), conv_b=t(g("img/embedding/bias", vw)),
             cls=t(g("img/cls", 1, 1, vw)), v_pos=t(g("img/Transformer/posembed_input/pos_embedding", 1, tokens, vw)),
             v_blocks=v_blocks,
             enc_norm_w=t(g("img/Transformer/encoder_norm/scale", vw)),
             enc_norm_b=t(g("img/Transformer/encoder_norm/bias", vw)),
             tok=t(tensors[enc + "embedder/embedders_token_ids/embedding"]),
             t_pos=t(tensors[enc + "embedder/embedders_position_ids/embedding"]),
             seg=t(tensors[enc + "embedder/embedders_segment_ids/embedding"]),
             emb_ln_w=t(g(enc + "layer_norm/scale", tw)), emb_ln_b=t(g(enc + "layer_norm/bias", tw)),
             t_blocks=t_blocks,
             t_head_w=t(g("txt/head/kernel", tw, d["embed"])), t_head_b=t(g("txt/head/bias", d["embed"])))
    if "img/head/kernel" in tensors:
        p["v_head_w"] = t(g("img/head/kernel", vw, tensors["img/head/kernel"].shape[1]))
        p["v_head_b"] = t(tensors["img/head/bias"])
    return Lit(p, d), d

