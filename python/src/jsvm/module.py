"""``vm.SourceTextModule`` from Python: a guest module object, its explicit
link step driven by a Python linker, and its evaluation."""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Callable, List, Optional

from wasmtime.component import Variant

from ._bridge import record
from .errors import JsError
from .values import JsObject

if TYPE_CHECKING:  # pragma: no cover
    from .vm import Vm


class Module:
    """``vm.SourceTextModule``: read its state with :attr:`status`,
    :attr:`namespace`, ...; :meth:`link` then :meth:`evaluate`."""

    def __init__(self, vm: Vm, obj: JsObject) -> None:
        self.vm = vm
        #: The guest's ``vm.Module`` object.
        self.object = obj

    @property
    def status(self) -> str:
        """``module.status``."""
        return str(self.object["status"])

    @property
    def identifier(self) -> str:
        """``module.identifier``."""
        return str(self.object["identifier"])

    @property
    def dependency_specifiers(self) -> List[str]:
        """``module.dependencySpecifiers``: what it imports, in order."""
        return list(self.object["dependencySpecifiers"])

    @property
    def namespace(self) -> JsObject:
        """``module.namespace``."""
        return self.vm._run(lambda: self.vm._bridge.from_wit(
            self.vm._call("get", self.object._handle, Variant("string", "namespace")), copy=False))

    def link(self, linker: Callable[[str, "Module"], "Module"]) -> None:
        """``module.link(linker)``: ``linker(specifier, referrer)`` answers
        every import of this module and of the unlinked modules it returns;
        returning a module seen before closes a cycle."""
        seen = [self]
        queue = deque([self])
        links = []
        while queue:
            current = queue.popleft()
            if current.status != "unlinked":
                continue
            for specifier in current.dependency_specifiers:
                target = linker(specifier, current)
                if not isinstance(target, Module) or target.vm is not self.vm:
                    raise JsError("TypeError", "the linker must return a Module of this Vm",
                                  code="ERR_VM_MODULE_NOT_MODULE")
                links.append((current, specifier, target))
                if not any(m.object is target.object for m in seen):
                    seen.append(target)
                    queue.append(target)

        def work() -> None:
            bridge = self.vm._bridge
            wit_links = [record(referrer=bridge.to_wit(r.object), specifier=s, target=bridge.to_wit(t.object))
                         for r, s, t in links]
            self.vm._call("link-module", bridge.to_wit(self.object), wit_links)
        self.vm._run(work)

    def evaluate(self, *, timeout: Optional[float] = None, fuel: Optional[int] = None,
                 break_on_sigint: bool = False) -> JsObject:
        """``module.evaluate()`` and the jobs it queued: the namespace, or
        :class:`JsError` with what its evaluation threw."""
        budget = self.vm._budget(timeout, fuel)
        return self.vm._run(lambda: self.vm._bridge.from_wit(
            self.vm._call("evaluate-module", self.vm._bridge.to_wit(self.object), budget=budget,
                          sigint=break_on_sigint), copy=False))
