"""Routes over a walkable graph built once per map version and profile (a hand-written Dijkstra on
prebuilt adjacency lists: a route costs a millisecond, not a graph build).

Nodes: anchors (shops, kiosks), openings (doors), and connector units (a lift, escalator or stairs on one
level). Edges: every two nodes of one unit (units are convex rooms and corridors: a straight walk), and a
connector's rides between its levels. Costs are seconds. The accessible profile *leaves out* stairs and
escalators (never a high cost: a penalty still sends a wheelchair up the stairs when the lift is far or
down); a connector marked out of service is left out of every profile.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import combinations
from typing import Any

from store.wayfinding.features import CONNECTORS, STEP_FREE, MapData, point

WALK_M_PER_S = 1.0  # a shopper's pace, slow on purpose (browsing, crowds)
RIDE_S = {"elevator": 8.0, "escalator": 25.0, "stairs": 30.0, "ramp": 40.0}  # per level
LIFT_WAIT_S = 30.0


class Profile(StrEnum):
    default = "default"
    accessible = "accessible"  # step-free: wheelchairs, strollers, walkers


@dataclass(frozen=True)
class Edge:
    to: str
    cost: float
    kind: str  # "walk" or a connector category
    via: str = ""  # the relationship feature a ride uses


@dataclass
class Graph:
    adjacency: dict[str, list[Edge]]
    xy: dict[str, tuple[float, float]]
    level: dict[str, str]


@dataclass(frozen=True)
class Leg:
    """One level's part of a route: the points walked, then how the shopper leaves the level (or arrives)."""

    level_id: str
    points: list[tuple[float, float]]
    metres: float
    ride: str = ""  # connector category to the next leg; "" on the last leg
    ride_name: dict[str, str] = field(default_factory=dict)
    to_level_id: str = ""


@dataclass(frozen=True)
class Route:
    profile: Profile
    seconds: float
    metres: float
    legs: list[Leg]


def node_of(fid: str) -> str:
    return fid


def build_graphs(data: MapData) -> dict[Profile, Graph]:
    """One graph per profile from the map's features (called when the map's version changes)."""
    xy: dict[str, tuple[float, float]] = {}
    level: dict[str, str] = {}
    members: dict[str, list[str]] = defaultdict(list)  # unit id → nodes inside or on its edge
    for kind in ("opening", "anchor"):
        for f in data.by_type.get(kind, []):
            xy[f["id"]] = point(data, f["id"])
            level[f["id"]] = data.level_of[f["id"]]
    for oid, units in data.opening_units.items():
        for uid in units:
            members[uid].append(oid)
    for aid, uid in data.unit_of.items():
        if data.features[aid]["feature_type"] == "anchor":
            members[uid].append(aid)
    for u in data.by_type.get("unit", []):
        if u["properties"].get("category") in CONNECTORS:
            xy[u["id"]] = point(data, u["id"])
            level[u["id"]] = data.level_of[u["id"]]
            members[u["id"]].append(u["id"])
    walk: list[tuple[str, str, float]] = []
    for nodes in members.values():
        for a, b in combinations(sorted(set(nodes)), 2):
            walk.append((a, b, math.dist(xy[a], xy[b]) / WALK_M_PER_S))
    ordinal = {f["id"]: f["properties"]["ordinal"] for f in data.by_type.get("level", [])}
    rides: list[tuple[str, str, float, str, str, bool]] = []  # a, b, cost, category, via, directed
    for rel in data.by_type.get("relationship", []):
        props = rel["properties"]
        if props.get("status", "in_service") != "in_service":
            continue
        category, stops = props["category"], props["units"]
        pairs = list(combinations(stops, 2)) if category == "elevator" else list(zip(stops, stops[1:], strict=False))
        for a, b in pairs:
            floors = abs(ordinal[level[a]] - ordinal[level[b]])
            cost = RIDE_S[category] * floors + (LIFT_WAIT_S if category == "elevator" else 0.0)
            rides.append((a, b, cost, category, rel["id"], props.get("direction") == "directed"))
    graphs = {}
    for profile in Profile:
        adjacency: dict[str, list[Edge]] = defaultdict(list)
        for a, b, cost in walk:
            adjacency[a].append(Edge(b, cost, "walk"))
            adjacency[b].append(Edge(a, cost, "walk"))
        for a, b, cost, category, via, directed in rides:
            if profile is Profile.accessible and category not in STEP_FREE:
                continue  # excluded, not penalised
            adjacency[a].append(Edge(b, cost, category, via))
            if not directed:
                adjacency[b].append(Edge(a, cost, category, via))
        graphs[profile] = Graph(dict(adjacency), xy, level)
    return graphs


def shortest(graph: Graph, start: str, goal: str) -> list[tuple[str, Edge | None]] | None:
    """Dijkstra from ``start`` to ``goal``: the nodes in order with the edge that reached each; None if unreachable."""
    if start not in graph.xy or goal not in graph.xy:
        return None
    best = {start: 0.0}
    back: dict[str, tuple[str, Edge]] = {}
    queue = [(0.0, start)]
    while queue:
        cost, node = heapq.heappop(queue)
        if node == goal:
            break
        if cost > best.get(node, math.inf):
            continue
        for edge in graph.adjacency.get(node, ()):
            total = cost + edge.cost
            if total < best.get(edge.to, math.inf):
                best[edge.to] = total
                back[edge.to] = (node, edge)
                heapq.heappush(queue, (total, edge.to))
    if goal not in best:
        return None
    path: list[tuple[str, Edge | None]] = []
    node = goal
    while node != start:
        prev, edge = back[node]
        path.append((node, edge))
        node = prev
    path.append((start, None))
    return path[::-1]


def route(graph: Graph, data: MapData, profile: Profile, start: str, goal: str) -> Route | None:
    """The route from ``start`` to ``goal`` split into legs per level; None when there is none."""
    path = shortest(graph, start, goal)
    if path is None:
        return None
    legs: list[Leg] = []
    points = [graph.xy[start]]
    metres = total_m = seconds = 0.0
    current = graph.level[start]
    for node, edge in path[1:]:
        assert edge is not None
        seconds += edge.cost
        if edge.kind == "walk":
            step = math.dist(points[-1], graph.xy[node])
            metres += step
            total_m += step
            points.append(graph.xy[node])
            continue
        name = data.features[edge.via]["properties"].get("name") or {}
        if len(points) == 1 and legs and legs[-1].ride == edge.kind:
            # riding on (escalator after escalator): one step "take the escalator to 3F", not a leg per floor
            last = legs.pop()
            legs.append(Leg(last.level_id, last.points, last.metres, last.ride, last.ride_name, graph.level[node]))
        else:
            legs.append(Leg(current, points, round(metres), edge.kind, name, graph.level[node]))
        current, points, metres = graph.level[node], [graph.xy[node]], 0.0
    legs.append(Leg(current, points, round(metres)))
    return Route(profile, round(seconds), round(total_m), legs)


def uses(route_: Route) -> set[str]:
    """The connector categories a route rides."""
    return {leg.ride for leg in route_.legs if leg.ride}


def describe(data: MapData, route_: Route, target: str, locale: str) -> list[str]:
    """Step texts, one per leg: 「步行约60米至西电梯 → 乘电梯至4F」, using the connectors as landmarks."""
    steps = []
    words = {
        "zh_CN": {"elevator": "乘", "escalator": "乘", "stairs": "走", "ramp": "走"},
        "en": {"elevator": "Take the", "escalator": "Take the", "stairs": "Take the", "ramp": "Take the"},
    }
    for leg in route_.legs:
        level = data.features[leg.to_level_id]["properties"]["short_name"]["zh"] if leg.to_level_id else ""
        if leg.ride:
            name = (leg.ride_name.get("en") if locale == "en" else leg.ride_name.get("zh")) or leg.ride
            if locale == "en":
                steps.append(
                    f"Walk about {leg.metres} m to {name}, then {words['en'][leg.ride].lower()} {name} to {level}"
                )
            else:
                steps.append(f"步行约{leg.metres}米至{name}，{words['zh_CN'][leg.ride]}{name}至{level}")
        elif locale == "en":
            steps.append(f"Walk about {leg.metres} m to {target}")
        else:
            steps.append(f"步行约{leg.metres}米到达 {target}")
    return steps


def reachable_from(graph: Graph, start: str) -> set[str]:
    """Every node reachable from ``start`` (the audit: can every shop be reached from every kiosk?)."""
    seen, stack = {start}, [start]
    while stack:
        for edge in graph.adjacency.get(stack.pop(), ()):
            if edge.to not in seen:
                seen.add(edge.to)
                stack.append(edge.to)
    return seen


def as_dict(route_: Route) -> dict[str, Any]:
    return {
        "profile": route_.profile.value,
        "seconds": route_.seconds,
        "metres": route_.metres,
        "legs": [
            {
                "level_id": leg.level_id,
                "metres": leg.metres,
                "ride": leg.ride,
                "to_level_id": leg.to_level_id,
                "points": [[round(x, 2), round(y, 2)] for x, y in leg.points],
            }
            for leg in route_.legs
        ],
    }
