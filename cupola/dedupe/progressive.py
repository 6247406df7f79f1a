"""Progressive JPEGs for the pHash: keep only the scans a 1/4 or 1/8 scale grey decode reads.

A progressive JPEG (SOF2) sends each 8x8 block's DCT coefficients in several scans: usually the DC
(block means) of all components first, then bands of luma and chroma AC coefficients at reduced
precision, then refinement scans with the low bits. libjpeg entropy-decodes every scan even when asked
for a reduced-scale image, which made a 4.5-megapixel progressive frame cost ~45 ms to hash against
~3 ms for a baseline file of the same size.

A grey decode at 1/4 scale runs a 2x2 inverse DCT on the luma coefficients in zigzag positions 0, 1, 2
and 4 only (1/8 scale: the DC only). ``coarse_stream`` keeps every header segment, the first-pass DC
scans (Ss = Se = 0, Ah = 0) and the first-pass luma AC scans starting at or before position 4, drops the
chroma AC and all refinement scans, and ends the stream with EOI. libjpeg decodes that as a complete
file: coefficients never sent are zero, and its block smoothing estimates the missing low bits of the
kept ones. Luma AC is kept even at 1/8 scale because libjpeg interpolates (changes) the DC of a component
none of whose AC coefficients were ever sent. On the six real progressive ISS042 frames the 256-bit
pHash of the result is 0-2 bits from the full decode's (threshold for "same photo": 6).

Anything else (baseline or arithmetic-coded files, CMYK or RGB-coded colour, no first-pass luma scans
covering positions 1-4, truncated or odd marker structure) gives None: decode the whole file.
"""

from __future__ import annotations

import re
import struct

SOI, EOI = b"\xff\xd8", b"\xff\xd9"
_SOF2, _SOS, _APP0, _APP14 = 0xC2, 0xDA, 0xE0, 0xEE
_OTHER_SOF = {0xC0, 0xC1, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_NEEDED_AC = frozenset(range(1, 5))  # zigzag 1, 2, 4 feed the 2x2 IDCT; 1-4 as one band
# the next marker after entropy-coded data: 0xFF not followed by a stuffed 0x00, a restart marker or fill
_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def coarse_stream(data: bytes, scale: int) -> bytes | None:
    """The JPEG stream a grey decode at ``1/scale`` (4 or 8) needs, or None to decode the whole file."""
    if scale < 4 or not data.startswith(SOI):
        return None
    try:
        return _cut(data)
    except (ValueError, IndexError, struct.error):
        return None


def _segments(data: bytes):
    """(marker, start, end) of each segment after SOI up to EOI; a scan's end includes its entropy data."""
    i, n = 2, len(data)
    while True:
        if i + 2 > n or data[i] != 0xFF:
            raise ValueError("marker expected")
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == EOI[1]:
            return
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            raise ValueError("stray marker")
        end = i + 2 + struct.unpack(">H", data[i + 2:i + 4])[0]
        if end > n:
            raise ValueError("truncated segment")
        if marker == _SOS:
            found = _NEXT_MARKER.search(data, end)
            if found is None:
                raise ValueError("truncated scan")
            end = found.start()
        yield marker, i, end
        i = end


def _cut(data: bytes) -> bytes | None:
    out = [SOI]
    luma = None  # component id of luma once SOF2 is read
    jfif = adobe_transform = None
    dc_seen = False
    ac_seen: set[int] = set()
    for marker, start, end in _segments(data):
        if marker in _OTHER_SOF:
            return None
        if marker == _APP0 and data[start + 4:start + 9] == b"JFIF\x00":
            jfif = True
        elif marker == _APP14 and data[start + 4:start + 9] == b"Adobe" and end - start >= 16:
            adobe_transform = data[start + 15]
        elif marker == _SOF2:
            count = data[start + 9]
            ids = tuple(data[start + 10 + 3 * k] for k in range(count))
            if count not in (1, 3) or (count == 3 and not _ycc(ids, jfif, adobe_transform)):
                return None  # grey needs every colour component unless it is YCbCr (or grey already)
            luma = ids[0]
        elif marker == _SOS:
            if luma is None:
                return None
            count = data[start + 4]
            ss, se, approx = data[start + 5 + 2 * count:start + 8 + 2 * count]
            components = {data[start + 5 + 2 * k] for k in range(count)}
            if approx >> 4:  # a refinement scan: low bits only
                continue
            if ss == 0:
                if se != 0:
                    return None
                dc_seen = dc_seen or luma in components
            elif components == {luma} and ss <= max(_NEEDED_AC):
                ac_seen.update(range(ss, se + 1))
            else:
                continue
        out.append(data[start:end])
    if not dc_seen or not _NEEDED_AC <= ac_seen:
        return None
    out.append(EOI)
    return b"".join(out)


def _ycc(ids: tuple[int, ...], jfif: bool | None, adobe_transform: int | None) -> bool:
    """Whether libjpeg reads a 3-component file as YCbCr (its rule: JFIF, else Adobe, else the ids)."""
    if jfif:
        return True
    if adobe_transform is not None:
        return adobe_transform == 1
    return ids != (0x52, 0x47, 0x42)  # 'R', 'G', 'B'
