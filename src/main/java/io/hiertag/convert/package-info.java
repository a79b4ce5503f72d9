/**
 * {@code hiertag import-model}: a published checkpoint (OpenCLIP, Hugging Face transformers CLIP, LiT) turned into
 * a model folder with its contract, without Python. The tensors are read directly ({@code .safetensors},
 * {@code .npz}); one name table per layout maps them onto the graph builders' weights, each tensor checked against
 * the shape its config implies before anything is built; the folder is written beside the target and moved into
 * place, so a failure never leaves half a model behind.
 */
package io.hiertag.convert;
