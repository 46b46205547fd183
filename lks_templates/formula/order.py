"""Order named formulas so that each comes after the formulas it uses."""

from __future__ import annotations

from collections.abc import Mapping

from lks_templates.formula.tree import Expr, names


class CycleError(ValueError):
    """Named formulas refer to each other in a loop.

    ``cycle`` lists the names around the loop, first name repeated at the end, e.g.
    ``["a", "b", "a"]``.
    """

    def __init__(self, cycle: list[str]) -> None:
        super().__init__("formulas refer to each other in a loop: " + " -> ".join(cycle))
        self.cycle = cycle


def dependency_order(formulas: Mapping[str, Expr]) -> list[str]:
    """The names of ``formulas``, each after every formula it refers to.

    Names that are not keys of ``formulas`` (fields, say) are inputs and ignored. Ties
    keep the mapping's order, so the result is deterministic. Raises :class:`CycleError`.
    """
    done: set[str] = set()
    order: list[str] = []
    for start in formulas:
        if start in done:
            continue
        # Depth-first, iterative: a stack of (name, dependencies still to visit).
        # No recursion, so a chain of thousands of formulas is fine; ``on_path`` keeps the
        # cycle test constant-time along a long chain.
        path: list[str] = [start]
        on_path: set[str] = {start}
        pending: list[list[str]] = [_uses(formulas, start)]
        while path:
            if not pending[-1]:
                finished = path.pop()
                on_path.discard(finished)
                pending.pop()
                done.add(finished)
                order.append(finished)
                continue
            nxt = pending[-1].pop()
            if nxt in done:
                continue
            if nxt in on_path:
                raise CycleError([*path[path.index(nxt) :], nxt])
            path.append(nxt)
            on_path.add(nxt)
            pending.append(_uses(formulas, nxt))
    return order


def _uses(formulas: Mapping[str, Expr], name: str) -> list[str]:
    """The formulas ``name`` uses, last first (the stack pops them in written order)."""
    return [used for used in reversed(names(formulas[name])) if used in formulas]
