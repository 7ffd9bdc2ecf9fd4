"""The default module loader's file access, as the Rust host's
(host/src/module_root.rs): one directory from which the guest may read
modules and JSON.

Module ids are root-relative absolute paths (``/lib/util.mjs``): the guest
never learns where the root is. Relative specifiers resolve against the
importing module's id, bare ones against the root. A specifier that is
absolute or a URL, or whose ``..`` climbs above the root, is refused before
any file is touched; a file whose real path (symlinks followed) leaves the
root is refused too.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Optional, Tuple

from .errors import JsError

_SCHEME = re.compile(r"^[A-Za-z0-9+.\-]+:")


class ModuleRoot:
    """A directory the default loader reads modules from."""

    def __init__(self, path: "os.PathLike[str] | str") -> None:
        self.path = Path(os.path.realpath(path))
        if not self.path.is_dir():
            raise FileNotFoundError(f"jsvm: the module root {path} is not a directory")

    def id_of(self, file: "os.PathLike[str] | str") -> Optional[str]:
        """The id of a host file inside the root (``/lib/x.js``), if it is inside."""
        real = Path(os.path.realpath(file))
        if self.path not in real.parents:
            return None
        return "/" + real.relative_to(self.path).as_posix()

    def load(self, referrer: Optional[str], specifier: str) -> Tuple[str, str]:
        """Resolves ``specifier`` (imported by the module ``referrer``) and
        reads it: ``(id, source)``."""
        module_id = resolve(referrer, specifier)
        file = Path(os.path.realpath(self.path / module_id[1:]))
        if file != self.path and self.path not in file.parents:
            raise _denied(specifier, "it leads outside the module root")
        try:
            return module_id, file.read_text(encoding="utf-8")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise _not_found(module_id, referrer) from None
        except (OSError, UnicodeDecodeError) as error:
            raise _denied(specifier, str(error)) from None


def resolve(referrer: Optional[str], specifier: str) -> str:
    """A specifier's module id, without touching the file system."""
    if specifier.startswith(("/", "\\")) or _SCHEME.match(specifier):
        raise _denied(specifier, "absolute paths and URLs are outside the module root")
    parts = []
    if specifier.startswith(("./", "../")) and referrer is not None:
        parts = [p for p in referrer.split("/") if p][:-1]
    for part in re.split(r"[/\\]", specifier):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                raise _denied(specifier, "it climbs above the module root")
            parts.pop()
        else:
            parts.append(part)
    if not parts:
        raise _not_found(specifier, referrer)
    return "/" + "/".join(parts)


def _not_found(module_id: str, referrer: Optional[str]) -> JsError:
    source = f" imported from {referrer}" if referrer else ""
    return JsError("Error", f"Cannot find module '{module_id}'{source}", code="ERR_MODULE_NOT_FOUND")


def _denied(specifier: str, why: str) -> JsError:
    return JsError("Error", f"Access to '{specifier}' is denied: {why}", code="ERR_ACCESS_DENIED")
