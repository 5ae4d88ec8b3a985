#!/usr/bin/env python3
"""Reports import cycles between the modules (files) of each crate.

A file's edges are the paths it names: `crate::a::b`, `super::a`,
`self::a` (the `use` lines and paths in code), resolved to the deepest
module file that exists. Checked twice: between files, and between the
top-level modules the files belong to. Edges between a module and its own
ancestors or descendants are left out (a parent declares its children and children use
its items), as is test code (from the first `#[cfg(test)]` on). Prints
each cycle found and exits 1 if there is one.

Usage: scripts/module-cycles.py [CRATE_SRC_DIR ...]
(default: src and every crates/*/src)
"""
import glob
import os
import re
import sys

PATH = re.compile(r"\b(crate|super|self)((?:::[a-z_][a-z0-9_]*)+)")


def modules(src):
    mods = {}
    for path in glob.glob(os.path.join(src, "**", "*.rs"), recursive=True):
        rel = os.path.relpath(path, src)[:-3].split(os.sep)
        if rel[-1] in ("lib", "main", "mod"):
            rel = rel[:-1]
        mods[tuple(rel)] = path
    return mods


def resolve(mods, here, kind, names):
    if kind == "crate":
        base = ()
    elif kind == "self":
        base = here
    else:
        base = here[:-1]
        while names and names[0] == "super":
            base, names = base[:-1], names[1:]
    target = base
    for n in names:
        if base + (n,) in mods or any(m[: len(target) + 1] == target + (n,) for m in mods):
            target = target + (n,)
        else:
            break
    while target not in mods and target:
        target = target[:-1]
    return target


def cycles(src, top_level=False):
    mods = modules(src)
    edges = {m: set() for m in mods}
    for m, path in mods.items():
        text = open(path, encoding="utf-8").read()
        cut = text.find("#[cfg(test)]")
        if cut >= 0:
            text = text[:cut]
        text = re.sub(r"//.*", "", text)
        # `super::*` inside a file-level module refers to the file's parent.
        for kind, rest in PATH.findall(text):
            names = [n for n in rest.split("::") if n]
            t = resolve(mods, m, kind, names)
            if t == m or t[: len(m)] == m or m[: len(t)] == t:
                continue
            edges[m].add(t)
    if top_level:
        # The same graph seen from the top-level modules (a cycle through
        # a parent's re-exports shows here).
        top = {}
        for m, ts in edges.items():
            if m:
                top.setdefault(m[:1], set()).update(t[:1] for t in ts if t and t[:1] != m[:1])
        edges = top
        mods = {m: None for m in top}
        for ts in top.values():
            for t in ts:
                mods.setdefault(t, None)
                edges.setdefault(t, set())
    # Tarjan's strongly connected components.
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in mods:
        if v not in index:
            visit(v)
    return out


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    dirs = sys.argv[1:] or [os.path.join(root, "src")] + sorted(
        glob.glob(os.path.join(root, "crates", "*", "src"))
    )
    found = False
    for src in dirs:
        for level, comps in (("files", cycles(src)), ("top-level modules", cycles(src, True))):
            for comp in comps:
                found = True
                names = ["::".join(m) or "(root)" for m in comp]
                print(f"{os.path.relpath(src, root)}: cycle among {level} {', '.join(names)}")
    if not found:
        print("no module cycles")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
