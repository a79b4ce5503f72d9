"""transformers' CLIP config defaults (configuration_clip.py, CLIPTextConfig / CLIPVisionConfig) and how
CLIPConfig.__init__ merges the legacy *_config_dict entries; shared by the generator and the loader."""

TEXT_DEFAULTS = dict(vocab_size=49408, hidden_size=512, intermediate_size=2048, projection_dim=512,
                     num_hidden_layers=12, num_attention_heads=8, max_position_embeddings=77,
                     hidden_act="quick_gelu", layer_norm_eps=1e-5)
VISION_DEFAULTS = dict(hidden_size=768, intermediate_size=3072, projection_dim=512, num_hidden_layers=12,
                       num_attention_heads=12, num_channels=3, image_size=224, patch_size=32,
                       hidden_act="quick_gelu", layer_norm_eps=1e-5)


def sub_config(config, key, defaults):
    """The effective text_config or vision_config: a *_config_dict, filled with the class defaults, overrides
    the *_config entry key by key."""
    merged = dict(defaults, **config.get(key, {}) or {})
    legacy = config.get(key + "_dict")
    if legacy is not None:
        merged.update(dict(defaults, **legacy))
    return merged


def legacy_dict(sub, defaults, always):
    """What an old upload's *_config_dict holds: the usual keys and every value that is not the default."""
    return {k: v for k, v in sub.items() if k in always or (k in defaults and defaults[k] != v)}
