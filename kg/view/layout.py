"""A seeded, precomputed layout for graphs too big for in-browser physics.

vis-network's physics freezes the browser above about a thousand nodes, and
networkx's `spring_layout` needs SciPy for big graphs (not a dependency) or
else builds dense n x n x 2 arrays (400 MB at 5,000 nodes). Knowledge graphs
from news have a recognisable shape that makes a cheaper layout look better
anyway: one big component, many stragglers, and lots of leaves (a person with
one employer, a product with one maker). So:

1. each connected component is laid out on its own, then components are
   packed on shelves, largest first, so stragglers do not scatter around
   the main component;
2. leaves are folded away before the force simulation and put back on a
   small fan around their one neighbour, which both halves the work and
   keeps a hub's satellites visibly attached to it;
3. the remaining core runs Fruchterman-Reingold in NumPy, with repulsion
   weighted by degree as in ForceAtlas2 (hubs spread out) and computed in
   row blocks (bounded memory) in float32.

Everything is driven by one seed and sorted node order, so the same graph
always gets the same coordinates, which keeps the written HTML identical.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx
    import numpy as np

#: Pixel distance the simulation aims for between linked nodes.
EDGE_LENGTH = 90.0
_BLOCK = 512


def _force_directed(
    n: int, src: np.ndarray, dst: np.ndarray, seed: int, iterations: int, mass: np.ndarray
) -> np.ndarray:
    """Fruchterman-Reingold with mass-weighted repulsion, unit ideal edge length, seeded."""
    import numpy as np

    rng = np.random.default_rng(seed)
    side = math.sqrt(n)
    pos = (rng.random((n, 2), dtype=np.float64) * side).astype(np.float32)
    k2 = np.float32(1.0)
    temperature = side / 10.0
    cooling = (0.02 / max(temperature, 1e-6)) ** (1.0 / max(iterations, 1))
    for _ in range(iterations):
        disp = np.empty((n, 2), dtype=np.float32)
        px, py = pos[:, 0], pos[:, 1]
        for start in range(0, n, _BLOCK):
            stop = min(start + _BLOCK, n)
            # Repulsion on i: m_i * sum_j m_j (p_i - p_j) / d_ij^2, in place
            # where possible (allocation dominates at 512 x 5,000). No BLAS
            # matrix product on purpose: its threads thrash on a busy machine.
            dx = px[start:stop, None] - px[None, :]
            dy = py[start:stop, None] - py[None, :]
            dist2 = dx * dx
            dist2 += dy * dy
            np.maximum(dist2, np.float32(1e-4), out=dist2)
            weight = np.reciprocal(dist2, out=dist2)
            weight *= mass[None, :]
            scale = k2 * mass[start:stop]
            dx *= weight
            dy *= weight
            disp[start:stop, 0] = dx.sum(axis=1) * scale
            disp[start:stop, 1] = dy.sum(axis=1) * scale
        delta = pos[src] - pos[dst]
        dist = np.sqrt((delta * delta).sum(axis=1))[:, None]
        pull = delta * dist
        np.subtract.at(disp, src, pull)
        np.add.at(disp, dst, pull)
        length = np.sqrt((disp * disp).sum(axis=1))[:, None]
        step = np.minimum(length, np.float32(temperature)) / np.maximum(length, 1e-9)
        pos += disp * step
        temperature *= cooling
    return pos.astype(np.float64)


def _component_layout(
    graph: nx.Graph, nodes: list[Hashable], seed: int, iterations: int
) -> dict[Hashable, tuple[float, float]]:
    """Lay out one connected component in units of the ideal edge length."""
    import numpy as np

    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    degree = {n: graph.degree(n) for n in nodes}
    leaves = [n for n in nodes if degree[n] == 1 and degree[next(iter(graph[n]))] > 1]
    leaf_set = set(leaves)
    core = [n for n in nodes if n not in leaf_set]
    index = {n: i for i, n in enumerate(core)}
    pairs = sorted(
        (index[u], index[v]) for u in core for v in graph[u] if v in index and index[u] < index[v]
    )
    src = np.array([p[0] for p in pairs], dtype=np.int64)
    dst = np.array([p[1] for p in pairs], dtype=np.int64)
    # ForceAtlas2-style mass (1 + degree, leaves included): hubs push each
    # other apart and make room for their satellites instead of piling up
    # in the middle, which is where their labels would overlap.
    mass = np.array([1.0 + degree[n] for n in core], dtype=np.float32)
    mass /= mass.mean()
    core_pos = _force_directed(len(core), src, dst, seed, iterations, mass)
    pos = {n: (float(core_pos[i, 0]), float(core_pos[i, 1])) for n, i in index.items()}

    satellites: dict[Hashable, list[Hashable]] = {}
    for leaf in leaves:
        satellites.setdefault(next(iter(graph[leaf])), []).append(leaf)
    for parent, group in satellites.items():
        px, py = pos[parent]
        # Fan the leaves out on the side away from the parent's other links.
        others = [pos[m] for m in graph[parent] if m in pos]
        if others:
            ax = px - sum(o[0] for o in others) / len(others)
            ay = py - sum(o[1] for o in others) / len(others)
            away = math.atan2(ay, ax) if (ax or ay) else 0.0
            spread = min(2 * math.pi * 0.75, 0.5 * len(group))
        else:
            away, spread = 0.0, 2 * math.pi
        radius = 0.5 + 0.04 * len(group)
        for j, leaf in enumerate(group):
            frac = (j + 0.5) / len(group) - 0.5
            angle = away + frac * spread
            pos[leaf] = (px + radius * math.cos(angle), py + radius * math.sin(angle))
    return pos


def precomputed_layout(
    graph: nx.Graph, *, seed: int = 42, iterations: int = 60
) -> dict[Hashable, tuple[float, float]]:
    """Pixel coordinates for every node of an undirected simple graph, deterministic per seed."""
    import networkx as nx

    components = [sorted(c) for c in nx.connected_components(graph)]
    components.sort(key=lambda c: (-len(c), str(c[0])))
    placed: list[tuple[list[Hashable], dict[Hashable, tuple[float, float]], float, float]] = []
    for i, comp in enumerate(components):
        local = _component_layout(graph, comp, seed + i, iterations)
        xs = [p[0] for p in local.values()]
        ys = [p[1] for p in local.values()]
        x0, y0 = min(xs), min(ys)
        shifted = {n: (p[0] - x0, p[1] - y0) for n, p in local.items()}
        placed.append((comp, shifted, max(xs) - x0 + 1.5, max(ys) - y0 + 1.5))

    # Shelf packing: rows as wide as the biggest component (or the square root
    # of the total area, whichever is wider), filled largest first.
    total_area = sum(w * h for _, _, w, h in placed)
    row_width = max([math.sqrt(total_area)] + [w for _, _, w, _ in placed[:1]])
    result: dict[Hashable, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for _, local, w, h in placed:
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for n, (px, py) in local.items():
            result[n] = (round((x + px) * EDGE_LENGTH, 1), round((y + py) * EDGE_LENGTH, 1))
        x += w
        row_height = max(row_height, h)
    return result


def layered_layout(
    graph: nx.Graph, core: Collection[Hashable], *, seed: int = 42, iterations: int = 60
) -> dict[Hashable, tuple[float, float]]:
    """Lay out `core` (what the page opens on) alone, then hang every other node near it.

    The network page opens on organisations; people, places and products
    are layers switched on later. Laying out everything together would let
    the layers shape the first view (a city pulls every organisation in it
    together, and leaves holes where it is hidden), so the core gets the
    force layout to itself. Every other node then sits beside the placed
    nodes it is linked to, in waves (a product beside the person's
    company); whatever stays unlinked to the placed part is laid out on its
    own below. The page polishes the positions with bounded physics when a
    layer is switched on.
    """
    core_set = set(core)
    pos = precomputed_layout(
        graph.subgraph(sorted(core_set, key=str)), seed=seed, iterations=iterations
    )
    rest = sorted((n for n in graph if n not in pos), key=str)
    for _ in range(3):
        anchored: dict[tuple[Hashable, ...], list[Hashable]] = {}
        for n in rest:
            anchors = tuple(sorted((m for m in graph[n] if m in pos), key=str))
            if anchors:
                anchored.setdefault(anchors, []).append(n)
        if not anchored:
            break
        for anchors, group in sorted(anchored.items(), key=lambda kv: [str(a) for a in kv[0]]):
            cx = sum(pos[a][0] for a in anchors) / len(anchors)
            cy = sum(pos[a][1] for a in anchors) / len(anchors)
            radius = EDGE_LENGTH * (0.55 + 0.04 * len(group))
            # A golden-angle spiral: neighbours of one anchor never coincide.
            for j, n in enumerate(group):
                angle = 2.39996 * (j + len(anchors))
                r = radius * math.sqrt((j + 1) / len(group))
                pos[n] = (round(cx + r * math.cos(angle), 1), round(cy + r * math.sin(angle), 1))
        placed = {n for group in anchored.values() for n in group}
        rest = [n for n in rest if n not in placed]
    if rest:
        below = max((p[1] for p in pos.values()), default=-2 * EDGE_LENGTH) + 2 * EDGE_LENGTH
        left = min((p[0] for p in pos.values()), default=0.0)
        extra = precomputed_layout(graph.subgraph(rest), seed=seed + 1, iterations=iterations)
        for n, (x, y) in extra.items():
            pos[n] = (round(left + x, 1), round(below + y, 1))
    return pos
