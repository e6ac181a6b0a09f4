"""Names the report tests share (counties, levels, categories of a made-up city)."""

COUNTIES = ["城关区", "东湖区", "西山区", "南岗区", "北塔区", "临江县", "青松县", "白水县", "红旗县", "长乐县", "安平县"]
LEVELS = ("省级", "市级", "普通")
CATEGORIES = ("进商场", "进市场", "进景区")


def tiny_png(width: int = 60, height: int = 30) -> bytes:
    """A real RGB PNG (a red band on white), written by hand: no imaging library needed."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(
        b"\x00" + b"".join(b"\xc0\x10\x10" if height // 3 <= y < 2 * height // 3 else b"\xff\xff\xff" for _ in range(width))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
