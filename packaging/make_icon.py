"""Draws StationDesk's icon (resources/icons/stationdesk.png and .ico) with the bundled font.

    python packaging/make_icon.py

Run once when the design changes; the pictures are committed. A blue rounded square with 维 (维权)
in white: readable at 16 px in a taskbar, no licence questions (our own drawing, our own font).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
FONT = ROOT / "resources" / "fonts" / "wqy-microhei.ttc"
OUT = ROOT / "resources" / "icons"
SIZE = 256


def draw() -> Image.Image:
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((8, 8, SIZE - 8, SIZE - 8), radius=48, fill=(26, 95, 180, 255))
    pen.rounded_rectangle((8, SIZE - 64, SIZE - 8, SIZE - 8), radius=48, fill=(179, 38, 30, 255))
    pen.rectangle((8, SIZE - 64, SIZE - 8, SIZE - 40), fill=(179, 38, 30, 255))
    font = ImageFont.truetype(str(FONT), 150, index=0)
    pen.text((SIZE / 2, SIZE / 2 - 22), "维", font=font, fill="white", anchor="mm")
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    image = draw()
    image.save(OUT / "stationdesk.png")
    sizes = [(n, n) for n in (16, 24, 32, 48, 64, 128, 256)]
    image.save(OUT / "stationdesk.ico", sizes=sizes)


if __name__ == "__main__":
    main()
