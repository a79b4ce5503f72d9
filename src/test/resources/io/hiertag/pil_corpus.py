# Writes the image corpus of the decoding tests with PIL (Debian's python3-pil), and next to each image that PIL
# decodes, NAME.rgb: what PIL's Image.open(NAME).convert('RGB') holds, the reference hiertag must equal.
# Usage: /usr/bin/python3 pil_corpus.py OUT_DIR PHOTO ICC_PROFILE
#   PHOTO: a JPEG photograph, the content of every image; ICC_PROFILE: an RGB profile other than sRGB.
import io
import os
import struct
import sys
import zlib

import numpy as np
from PIL import Image

out, photo, icc_path = sys.argv[1], sys.argv[2], sys.argv[3]
icc = open(icc_path, 'rb').read()
base = Image.open(photo).convert('RGB').resize((120, 90), Image.BILINEAR)
rgb = np.asarray(base)
h, w = rgb.shape[:2]
alpha = Image.fromarray((np.arange(w)[None, :] * 255 // (w - 1)).repeat(h, 0).astype(np.uint8))


def path(name):
    return os.path.join(out, name)


def save(img, name, **options):
    img.save(path(name), **options)


def write(name, data):
    with open(path(name), 'wb') as f:
        f.write(data)


def chunk(kind, data, crc_flip=0):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', (zlib.crc32(kind + data) ^ crc_flip))


def png16(name, samples, colour_type):
    """A 16-bit PNG (PIL writes only 8-bit RGB), samples big-endian as the format wants."""
    rows = b''.join(b'\0' + row.astype('>u2').tobytes() for row in samples)
    ihdr = struct.pack('>IIBBBBB', samples.shape[1], samples.shape[0], 16, colour_type, 0, 0, 0)
    write(name, b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))


def segments(jpeg):
    """(offset, marker, length) of each JPEG segment before the first scan."""
    p = 2
    while jpeg[p] == 0xFF and jpeg[p + 1] != 0xDA:
        length = struct.unpack('>H', jpeg[p + 2:p + 4])[0]
        yield p, jpeg[p + 1], length
        p += 2 + length


def cmyk_of(rgb_array):
    """A CMYK separation with black generation (PIL's own convert('CMYK') never uses K)."""
    a = rgb_array.astype(int)
    k = 255 - a.max(-1, keepdims=True)
    cmy = np.where(k < 255, (255 - a - k) * 255 // np.maximum(255 - k, 1), 0)
    return np.concatenate([cmy, k], -1).astype(np.uint8)


# JPEG
save(base, 'baseline.jpg', quality=90)
save(base, 'progressive.jpg', quality=90, progressive=True)
save(base.convert('L'), 'grey.jpg', quality=90)
save(base, 'icc-profile.jpg', quality=90, icc_profile=icc)
save(base, 'subsampling-444.jpg', quality=95, subsampling=0)
cmyk = cmyk_of(rgb)
save(Image.fromarray(cmyk, 'CMYK'), 'cmyk-adobe.jpg', quality=90)  # libjpeg writes an Adobe segment for CMYK
adobe = open(path('cmyk-adobe.jpg'), 'rb').read()
at, _, length = next(s for s in segments(adobe) if s[1] == 0xEE)
write('cmyk-no-adobe.jpg', adobe[:at] + adobe[at + 2 + length:])
# YCCK: the first three of four components YCbCr-coded, Adobe transform 2. libjpeg decodes them to 255 - RGB, which
# is then read as Adobe-inverted CMY: so the YCbCr is that of C, M, Y themselves. PIL writes CMYK inverted, so the
# planes it is given are 255 - (the value to store).
cmy = cmyk[..., :3].astype(float)
ycc = np.stack([0.299 * cmy[..., 0] + 0.587 * cmy[..., 1] + 0.114 * cmy[..., 2],
                128 - 0.168736 * cmy[..., 0] - 0.331264 * cmy[..., 1] + 0.5 * cmy[..., 2],
                128 + 0.5 * cmy[..., 0] - 0.418688 * cmy[..., 1] - 0.081312 * cmy[..., 2]], -1)
planes = np.concatenate([255 - np.clip(np.rint(ycc), 0, 255), cmyk[..., 3:]], -1).astype(np.uint8)
save(Image.fromarray(planes, 'CMYK'), 'ycck.jpg', quality=90)
ycck = bytearray(open(path('ycck.jpg'), 'rb').read())
at, _, length = next(s for s in segments(ycck) if s[1] == 0xEE)
ycck[at + 2 + length - 1] = 2  # the transform byte ends the Adobe segment
write('ycck.jpg', bytes(ycck))

# PNG
save(base, 'rgb.png')
save(base.convert('L'), 'grey.png')
save(base.convert('1'), 'bilevel.png')
save(base.convert('P', palette=Image.ADAPTIVE, colors=64), 'palette.png')
save(base.convert('P', palette=Image.ADAPTIVE, colors=64), 'palette-transparency.png', transparency=3)
rgba = base.copy()
rgba.putalpha(alpha)
save(rgba, 'rgba.png')
grey_alpha = base.convert('L')
grey_alpha.putalpha(alpha)
save(grey_alpha, 'grey-alpha.png')
save(base, 'icc-profile.png', icc_profile=icc)
save(base, 'animated.png', save_all=True, append_images=[base.transpose(Image.FLIP_LEFT_RIGHT)])
# Low bytes that vary, so that rounding to 8 bits instead of keeping the top ones would show.
wide = rgb.astype(np.uint16) * 256 + np.arange(w, dtype=np.uint16)[None, :, None] * 2 % 256
png16('rgb16.png', wide, 2)
png16('grey16.png', wide[..., 1], 0)

# GIF, BMP
save(base, 'rgb.gif')
save(rgba, 'transparent.gif')
save(base, 'animated.gif', save_all=True, append_images=[base.transpose(Image.FLIP_LEFT_RIGHT)])
save(base, 'rgb.bmp')
save(base.convert('P', palette=Image.ADAPTIVE, colors=16), 'palette.bmp')
save(base.convert('1'), 'bilevel.bmp')

# TIFF
save(base, 'rgb.tif')
save(base, 'lzw.tif', compression='tiff_lzw')
save(base, 'deflate.tif', compression='tiff_adobe_deflate')
save(base, 'jpeg.tif', compression='jpeg')
save(base.convert('L'), 'grey.tif')
save(base.convert('1'), 'bilevel.tif')
save(base.convert('P', palette=Image.ADAPTIVE, colors=32), 'palette.tif')
save(rgba, 'rgba.tif')
save(Image.fromarray(cmyk, 'CMYK'), 'cmyk.tif')
save(base, 'icc-profile.tif', icc_profile=icc)
save(base, 'pages.tif', save_all=True, append_images=[base.transpose(Image.FLIP_LEFT_RIGHT)])
Image.fromarray(wide[..., 1], 'I;16').save(path('grey16.tif'))

# WebP
save(base, 'lossless.webp', lossless=True)
save(rgba, 'lossless-alpha.webp', lossless=True)
save(base, 'lossy.webp', quality=80)
save(rgba, 'lossy-alpha.webp', quality=80)
save(base, 'icc-profile.webp', lossless=True, icc_profile=icc)
save(base, 'animated.webp', save_all=True, append_images=[base.transpose(Image.FLIP_LEFT_RIGHT)], lossless=True)

# References: what the CLIP recipes feed their models.
for name in sorted(os.listdir(out)):
    write(name + '.rgb', Image.open(path(name)).convert('RGB').tobytes())
# PIL opens 16-bit grey as 16- or 32-bit integers and its convert clips them at 255, nearly all white. hiertag
# keeps the top 8 bits, as PIL itself does for 16-bit RGB; these are the references not taken from convert('RGB').
for name in ['grey16.png', 'grey16.tif']:
    write(name + '.rgb', np.repeat((wide[..., 1] >> 8).astype(np.uint8)[..., None], 3, -1).tobytes())

# Formats that are recognised and refused: real files where PIL writes them, the first bytes elsewhere.
save(base, 'image.jp2')
save(base, 'image.ico')
save(base, 'image.pdf')
write('image.heic', struct.pack('>I', 24) + b'ftypheic' + b'\0\0\0\0' + b'mif1heic' + b'\0' * 64)
write('image.avif', struct.pack('>I', 28) + b'ftypavif' + b'\0\0\0\0' + b'avifmif1miaf' + b'\0' * 64)
write('image.svg', b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>\n')
write('image.jxl', b'\xff\x0a' + b'\0' * 64)
write('image.psd', b'8BPS\0\1' + b'\0' * 64)

# Damaged files.
png = open(path('rgb.png'), 'rb').read()
p, chunks = 8, []
while p < len(png):
    length = struct.unpack('>I', png[p:p + 4])[0]
    chunks.append((p, png[p + 4:p + 8], length))
    p += 12 + length
idat_at, _, idat_length = next(c for c in chunks if c[1] == b'IDAT')
flipped = bytearray(png)
flipped[idat_at + 8 + idat_length] ^= 0x01  # first byte of the IDAT chunk's CRC
write('crc-idat.png', bytes(flipped))
# An ancillary chunk with a wrong CRC: libpng (inside TensorFlow) only warns about those.
write('crc-text.png', png[:33] + chunk(b'tEXt', b'Comment\0hello', crc_flip=1) + png[33:])
for name in ['baseline.jpg', 'rgb.png', 'rgb.gif', 'rgb.bmp', 'rgb.tif', 'lossless.webp', 'lossy.webp']:
    data = open(path(name), 'rb').read()
    write('truncated-' + name, data[:len(data) * 2 // 3])
# Headers that claim 60000 x 60000 pixels, followed by the data of 120 x 90 or less.
jpeg = bytearray(open(path('baseline.jpg'), 'rb').read())
at = next(s[0] for s in segments(jpeg) if s[1] == 0xC0)
jpeg[at + 5:at + 9] = struct.pack('>HH', 60000, 60000)
write('bomb.jpg', bytes(jpeg[:600]))
gif = bytearray(open(path('rgb.gif'), 'rb').read())
p = 13 + (3 << ((gif[10] & 7) + 1) if gif[10] & 0x80 else 0)  # after the global colour table
while gif[p] == 0x21:  # extensions: label, then sub-blocks up to an empty one
    p += 2
    while gif[p]:
        p += gif[p] + 1
    p += 1
gif[6:10] = gif[p + 5:p + 9] = struct.pack('<HH', 60000, 60000)  # screen and first image descriptor
write('bomb.gif', bytes(gif))
