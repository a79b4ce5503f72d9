"""Times what OpenAI CLIP's preprocessing does per image, on one thread: PIL decodes and converts to RGB, then
torchvision resizes (bicubic, short side), centre-crops, converts to a tensor and normalises.

Argument: the crop size. Prints one line of versions, then reads requests from standard input, one a line:
repeats, a tab, an image file; answers each with one line: the file, the median milliseconds of the decode alone
and of decode plus preprocessing. Serving requests lets the caller time each file just before timing its own
side on it, so that both see the same load."""
import io
import statistics
import sys
import time

import PIL
import torch
import torchvision
from PIL import Image
from torchvision import transforms as T

torch.set_num_threads(1)
size = int(sys.argv[1])
transform = T.Compose([
    T.Resize(size, interpolation=T.InterpolationMode.BICUBIC),
    T.CenterCrop(size),
    T.ToTensor(),
    T.Normalize((0.48145466, 0.4578275, 0.40821073), (0.26862954, 0.26130258, 0.27577711)),
])
print("Pillow %s, torchvision %s, torch %s" % (PIL.__version__, torchvision.__version__, torch.__version__),
      flush=True)
for request in sys.stdin:
    repeats, name = request.rstrip("\n").split("\t", 1)
    repeats = int(repeats)
    data = open(name, "rb").read()
    decode, total = [], []
    for _ in range(repeats + 1):  # the first round only warms caches
        t0 = time.perf_counter()
        image = Image.open(io.BytesIO(data)).convert("RGB")
        t1 = time.perf_counter()
        transform(image)
        t2 = time.perf_counter()
        decode.append(t1 - t0)
        total.append(t2 - t0)
    print("%s\t%.4f\t%.4f" % (name, 1e3 * statistics.median(decode[1:]), 1e3 * statistics.median(total[1:])),
          flush=True)
