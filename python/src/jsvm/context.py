"""Contexts and scripts of a Vm: guest resources (``vm.createContext``'s
contextified global, ``vm.Script``) owned by Python objects, dropped in the
guest when those are collected."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, Optional

from ._args import expect_instance
from .errors import StaleError
from .values import JsObject

if TYPE_CHECKING:  # pragma: no cover
    from .vm import Vm


class _Owned:
    """A guest resource (context or script) and the Vm state it belongs to."""

    def __init__(self, vm: Vm, resource: Any) -> None:
        self.vm = vm
        self._bridge = vm._bridge
        self._resource = resource
        weakref.finalize(self, self._bridge.dropped_resources.append, resource)

    def _check_owner(self, vm: Vm) -> None:
        if vm is not self.vm or self._bridge is not vm._bridge:
            raise StaleError(type(self).__name__.lower())


class Context(_Owned):
    """A contextified global: a realm of its own (``vm.createContext``)."""

    @property
    def globals(self) -> JsObject:
        """The context object (for :data:`DONT_CONTEXTIFY`, the global itself),
        live: ``context.globals["x"] = 1`` sets a global."""
        def work() -> JsObject:
            self._check_owner(self.vm)
            return self.vm._bridge.from_wit(self.vm._call("[method]context.global", self._resource), copy=False)
        return self.vm._run(work)

    def run(self, code: str, **options: Any) -> Any:
        """``vm.runInContext(code, this, options)``."""
        return self.vm.run_in_context(code, self, **options)


class Script(_Owned):
    """``vm.Script``: code validated once, compiled per context when run."""

    def run_in_context(self, context: Context, *, timeout: Optional[float] = None, break_on_sigint: bool = False,
                       display_errors: bool = True) -> Any:
        """``script.runInContext(context, options)``."""
        expect_instance("contextifiedObject", context, Context, "vm.Context")
        options = self.vm._run_options(timeout, break_on_sigint, display_errors)

        def work() -> Any:
            self._check_owner(self.vm)
            context._check_owner(self.vm)
            return self.vm._bridge.from_wit(self.vm._call("[method]script.run-in-context", self._resource,
                                                          context._resource, options))
        return self.vm._run(work)

    def run_in_this_context(self, *, timeout: Optional[float] = None, break_on_sigint: bool = False,
                            display_errors: bool = True) -> Any:
        """``script.runInThisContext(options)``: the Vm's main context."""
        options = self.vm._run_options(timeout, break_on_sigint, display_errors)

        def work() -> Any:
            self._check_owner(self.vm)
            return self.vm._bridge.from_wit(self.vm._call("[method]script.run-in-main-context", self._resource,
                                                          options))
        return self.vm._run(work)

    def run_in_new_context(self, sandbox: Any = None, **options: Any) -> Any:
        """``script.runInNewContext(sandbox, options)``."""
        return self.run_in_context(self.vm.create_context(sandbox), **options)

    def _query(self, name: str) -> Any:
        def work() -> Any:
            self._check_owner(self.vm)
            return self.vm._call(name, self._resource)
        return self.vm._run(work)

    def create_cached_data(self) -> bytes:
        """``script.createCachedData()``."""
        return bytes(self._query("[method]script.create-cached-data"))

    @property
    def cached_data_rejected(self) -> Optional[bool]:
        """``script.cachedDataRejected`` (None unless ``cached_data`` was given)."""
        return self._query("[method]script.cached-data-rejected")

    @property
    def source_map_url(self) -> Optional[str]:
        """``script.sourceMapURL``."""
        return self._query("[method]script.source-map-url")
