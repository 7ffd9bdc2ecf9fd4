"""``python -m jsvm run FILE`` and ``python -m jsvm eval CODE``: node:vm
programs run by the Python host, as ``jsvm run`` runs them;
``python -m jsvm precompile`` fills the compiled-artifact cache."""

from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional

from .errors import JsError, StateLostError
from .vm import Vm, is_module_program


def _vm_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--memory-limit", type=int, metavar="MIB", help="cap the guest's memory (MiB)")
    parser.add_argument("--timeout", type=int, metavar="MS", help="stop the program after MS milliseconds")
    parser.add_argument("--wall-clock", action="store_true", help="measure time by the wall clock (no fuel)")


def _vm(args: argparse.Namespace, root: str) -> Vm:
    limit = args.memory_limit << 20 if args.memory_limit else None
    return Vm(memory_limit=limit, fuel=not args.wall_clock, module_root=root)


def _report(error: BaseException) -> int:
    if isinstance(error, JsError):
        print(error.stack, file=sys.stderr)
    else:
        print(f"jsvm: {error}", file=sys.stderr)
    return 1


def main(argv: Optional[List[str]] = None) -> int:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m jsvm", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a program (a script, or an ES module)")
    run.add_argument("file")
    kind = run.add_mutually_exclusive_group()
    kind.add_argument("--module", action="store_true", help="an ES module whatever its name")
    kind.add_argument("--script", action="store_true", help="a classic script whatever its name")
    run.add_argument("--root", help="the directory imports are read from (default: the file's)")
    _vm_options(run)
    run.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    evaluate = commands.add_parser("eval", help="run code and print its value")
    evaluate.add_argument("code")
    _vm_options(evaluate)
    commands.add_parser("precompile", help="compile the component into the artifact cache now "
                        "(for images and installers: the first Vm then starts in milliseconds)")
    args = parser.parse_args(argv)
    if args.command == "precompile":
        from . import _component

        for fuel in (True, False):
            _component.component(fuel)
        print(_component.cache_dir())
        return 0
    timeout = args.timeout / 1000 if args.timeout else None
    try:
        if args.command == "eval":
            vm = _vm(args, os.getcwd())
            print(vm.display(vm.run_main(args.code, "[eval]", module=False, timeout=timeout)))
            return 0
        path = os.path.realpath(args.file)
        try:
            with open(path, encoding="utf-8") as file:
                source = file.read()
        except OSError as error:
            print(f"jsvm: cannot read {args.file}: {error}", file=sys.stderr)
            return 2
        root = os.path.realpath(args.root) if args.root else os.path.dirname(path)
        module = True if args.module else False if args.script else is_module_program(path, source)
        vm = _vm(args, root)
        filename = path
        if module:
            # A module is named by its id inside the root.
            module_id = vm._module_root.id_of(path) if vm._module_root else None
            if module_id is None:
                print(f"jsvm: {path} is outside the module root {root}", file=sys.stderr)
                return 2
            filename = module_id
        vm.run_main(source, filename, module=module, timeout=timeout)
        return 0
    except (JsError, StateLostError) as error:
        return _report(error)


if __name__ == "__main__":
    sys.exit(main())
