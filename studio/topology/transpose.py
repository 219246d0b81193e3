"""Swap neighbours on a rank while that removes crossings (the "transpose" refinement).

Barycentres tie often in agent graphs (a router's targets all hang off one node), and a
tie leaves whatever order came first, crossings included. Trying each adjacent pair
both ways fixes most of those. A unit is an item with the side items glued to it; only
units that are direct children of the same cluster are swapped, so clusters stay whole.
"""

from __future__ import annotations

from studio.topology.skeleton import SIDE, Skeleton


def transpose(sk: Skeleton, layers: list[list[int]], passes: int = 4) -> None:
    """Improve `layers` in place."""
    pos = [0] * len(sk.kind)
    for layer in layers:
        for index, item in enumerate(layer):
            pos[item] = index
    for _ in range(passes):
        improved = False
        for rank, layer in enumerate(layers):
            units = _units(sk, layer)
            # Only this rank moves, so where each unit's edges end stays put meanwhile.
            ends = [_ends(sk, unit, pos) for unit in units]
            changed = True
            while changed:
                changed = False
                for i in range(len(units) - 1):
                    if sk.cluster[units[i][0]] != sk.cluster[units[i + 1][0]]:
                        continue
                    if _crossings(ends[i + 1], ends[i]) < _crossings(ends[i], ends[i + 1]):
                        units[i], units[i + 1] = units[i + 1], units[i]
                        ends[i], ends[i + 1] = ends[i + 1], ends[i]
                        changed = improved = True
            layers[rank] = [item for unit in units for item in unit]
            for index, item in enumerate(layers[rank]):
                pos[item] = index
        if not improved:
            return


def _units(sk: Skeleton, layer: list[int]) -> list[list[int]]:
    units: list[list[int]] = []
    for item in layer:
        if sk.kind[item] == SIDE and units and units[-1][0] == sk.partner[item]:
            units[-1].append(item)
        else:
            units.append([item])
    return units


def _ends(sk: Skeleton, unit: list[int], pos: list[int]) -> tuple[list[int], list[int]]:
    """Sorted positions, on the ranks above and below, where the unit's segments end."""
    return (
        sorted(pos[n] for item in unit for n in sk.up[item]),
        sorted(pos[n] for item in unit for n in sk.down[item]),
    )


def _crossings(left: tuple[list[int], list[int]], right: tuple[list[int], list[int]]) -> int:
    """Crossings between two units' segments if `left` is placed before `right`: pairs
    whose far ends are in the opposite order, counted by merging the sorted ends."""
    total = 0
    for a, b in zip(left, right, strict=True):
        j = 0
        for end in a:
            while j < len(b) and b[j] < end:
                j += 1
            total += j
    return total
