"""What both export recipes share: the contract template, the SavedModel layout hiertag validates, and the checks.

Signature names, input names, the image size and the token length all come from the template JSON beside this
file (lit-hiertag-model.json, clip-hiertag-model.json). The JUnit test ExportRecipesTest parses those templates
with the Java ModelContract, so the recipes cannot drift from what `bin/hiertag` accepts.

Needs TensorFlow for Python; like the recipes, it does not run on this project's CI.
"""

import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
CONTRACT_FILE = "hiertag-model.json"
TOKENIZER_CHECK_FILE = "tokenizer-check.tsv"

# Texts whose reference token ids are written to tokenizer-check.tsv, for a diff against `bin/hiertag tokenize`.
# The last one is long enough to be clipped by both tokenizers. No HTML entities: Hugging Face's CLIP tokenizer
# does not unescape them, while OpenAI's and hiertag's do.
CHECK_TEXTS = [
    "a photo of a dog.",
    "Hello World!",
    "a tabby cat, which is a kind of cat",
    "Crème brûlée, à la carte",
    "it's 3:45 and we're late; isn't it?",
    "a photo of " + " and ".join(["a small red fox", "a very large grey elephant", "three ducks"] * 8),
]


def load_template(template_name, *, name, embedding_size, image_size):
    """Returns the template's contract with the model's own name, embedding size and image size filled in."""
    contract = json.loads((HERE / template_name).read_text(encoding="utf-8"))
    contract["name"] = name
    contract["embeddingSize"] = int(embedding_size)
    contract["image"]["size"] = int(image_size)
    # The recipes feed token ids only; a mask input would need a third tensor in the signature.
    assert contract["text"]["maskInput"] is None, "the recipes export no mask input"
    return contract


def save_dual_encoder(out_dir, contract, embed_images, embed_texts, weights):
    """Saves two flat signatures as the contract names them.

    embed_images: float32 [batch, size, size, 3] -> float32 [batch, embeddingSize] (TensorFlow-traceable)
    embed_texts: int32 [batch, maxLength] -> float32 [batch, embeddingSize]
    weights: the objects holding the model's variables, so that they are saved in variables/, not as constants
    """
    import tensorflow as tf

    image, text = contract["image"], contract["text"]
    module = tf.Module()
    module.weights = weights
    # A TensorSpec's name becomes the signature's input key; the returned dict's key becomes the output key.
    images = tf.TensorSpec([None, image["size"], image["size"], 3], tf.float32, name=image["input"])
    token_ids = tf.TensorSpec([None, text["maxLength"]], tf.int32, name=text["input"])
    module.embed_images = tf.function(lambda x: {image["output"]: embed_images(x)}, input_signature=[images])
    module.embed_texts = tf.function(lambda x: {text["output"]: embed_texts(x)}, input_signature=[token_ids])
    tf.saved_model.save(module, str(out_dir), signatures={
        image["signature"]: module.embed_images,
        text["signature"]: module.embed_texts,
    })


def check_saved_model(out_dir, contract):
    """Reloads the export and checks what hiertag will check, so a mistake shows here rather than at start-up."""
    import tensorflow as tf

    loaded = tf.saved_model.load(str(out_dir))
    image, text = contract["image"], contract["text"]
    probes = [
        (image, tf.zeros([2, image["size"], image["size"], 3], tf.float32)),
        (text, tf.zeros([2, text["maxLength"]], tf.int32)),
    ]
    for spec, probe in probes:
        signature = loaded.signatures[spec["signature"]]
        inputs = signature.structured_input_signature[1]
        assert set(inputs) == {spec["input"]}, f"{spec['signature']} takes {sorted(inputs)}"
        assert inputs[spec["input"]].dtype == probe.dtype, f"{spec['input']} is {inputs[spec['input']].dtype}"
        out = signature(**{spec["input"]: probe})[spec["output"]]
        assert out.dtype == tf.float32 and out.shape == (2, contract["embeddingSize"]), (
            f"{spec['signature']} gives {out.dtype} {out.shape}, expected float32 (2, {contract['embeddingSize']})")


def write_contract(out_dir, contract):
    path = pathlib.Path(out_dir) / CONTRACT_FILE
    path.write_text(json.dumps(contract, indent=2) + "\n", encoding="utf-8")


def write_tokenizer_check(out_dir, reference_ids):
    """Writes each CHECK_TEXTS line, a tab and its ids as the model's own tokenizer gives them (no padding),
    in the format `bin/hiertag tokenize` prints."""
    lines = []
    for text in CHECK_TEXTS:
        ids = list(reference_ids(text))
        while ids and ids[-1] == 0:  # padding; neither LiT nor CLIP ends a real row with id 0
            ids.pop()
        lines.append(text + "\t" + " ".join(str(int(i)) for i in ids))
    (pathlib.Path(out_dir) / TOKENIZER_CHECK_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
