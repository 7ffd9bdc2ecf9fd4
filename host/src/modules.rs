//! ES modules from Rust: build a module graph from your own sources
//! ([`Vm::create_module`], [`Vm::link_module`], [`Vm::evaluate_module`]),
//! or import one from the Vm's module root ([`Vm::import_module`]).
//!
//! A [`Module`] is the guest's `vm.SourceTextModule` object, so everything
//! node:vm says about modules (statuses, errors, cycles, top-level await)
//! holds, and its properties can be read with [`Vm::get`].

use pollster::block_on;
use std::collections::VecDeque;

use crate::bindings::exported;
use crate::{Context, Error, FromValue, Object, Result, RunOptions, Value, Vm};

/// A `vm.SourceTextModule` of a [`Vm`].
#[derive(Clone, Debug)]
pub struct Module {
    object: Object,
}

impl Module {
    /// The module as a guest object (read `status`, `error`, ... with [`Vm::get`]).
    pub fn object(&self) -> &Object {
        &self.object
    }
}

/// Options of [`Vm::create_module`] (`new vm.SourceTextModule`).
#[derive(Clone, Debug, Default)]
pub struct ModuleOptions {
    /// `identifier`, shown in stack traces. Default `vm:module(N)`.
    pub identifier: Option<String>,
    /// The context the module runs in. Default: the main context.
    pub context: Option<Context>,
    /// Added to every line number reported.
    pub line_offset: i32,
    /// Added to the first line's column numbers.
    pub column_offset: i32,
}

impl Vm {
    /// `new vm.SourceTextModule(source, options)`: parses now (a
    /// `SyntaxError` fails here); link it before evaluating it.
    pub fn create_module(&mut self, source: &str, options: &ModuleOptions) -> Result<Module> {
        let context = match &options.context {
            Some(context) => Some(self.check_owned(&context.0, "context")?),
            None => None,
        };
        let wit_options = exported::ModuleOptions {
            identifier: options.identifier.clone(),
            line_offset: options.line_offset,
            column_offset: options.column_offset,
        };
        let value = self.call(|g, s| block_on(g.call_create_module(s, source, context, &wit_options)))?;
        Ok(Module { object: Object::from_value(self.value(value))? })
    }

    /// `module.status`: `unlinked`, `linking`, `linked`, `evaluating`,
    /// `evaluated` or `errored`.
    pub fn module_status(&mut self, module: &Module) -> Result<String> {
        Ok(String::from_value(self.get(&module.object, "status")?)?)
    }

    /// `module.dependencySpecifiers`: what the module imports, in order.
    pub fn module_requests(&mut self, module: &Module) -> Result<Vec<String>> {
        let list = Object::from_value(self.get(&module.object, "dependencySpecifiers")?)?;
        let count = f64::from_value(self.get(&list, "length")?)? as usize;
        (0..count).map(|i| Ok(String::from_value(self.get(&list, &i.to_string())?)?)).collect()
    }

    /// `module.link(linker)`, as an explicit step: `resolve(vm, specifier,
    /// referrer)` answers every import of `module` and of the unlinked
    /// modules it returns (it may create them with this `vm`); returning a
    /// module seen before closes a cycle. Then the graph is linked.
    pub fn link_module(
        &mut self,
        module: &Module,
        mut resolve: impl FnMut(&mut Vm, &str, &Module) -> Result<Module>,
    ) -> Result<()> {
        let mut seen = vec![module.clone()];
        let mut queue = VecDeque::from([module.clone()]);
        let mut links = Vec::new();
        while let Some(current) = queue.pop_front() {
            if self.module_status(&current)? != "unlinked" {
                continue;
            }
            for specifier in self.module_requests(&current)? {
                let target = resolve(self, &specifier, &current)?;
                self.check_value(&Value::Object(target.object.clone()))?;
                links.push(exported::ModuleLink {
                    referrer: Value::Object(current.object.clone()).into_wit(),
                    specifier,
                    target: Value::Object(target.object.clone()).into_wit(),
                });
                if !seen.iter().any(|m| m.object.same_handle(&target.object)) {
                    seen.push(target.clone());
                    queue.push_back(target);
                }
            }
        }
        self.check_value(&Value::Object(module.object.clone()))?;
        let root = Value::Object(module.object.clone()).into_wit();
        self.call(|g, s| block_on(g.call_link_module(s, &root, &links)))
    }

    /// `module.evaluate()` and the jobs it queued, under `options`'
    /// `timeout` (or `fuel`) and `break_on_sigint`: the module's namespace,
    /// or the error its evaluation threw (after which it is `errored`).
    pub fn evaluate_module(&mut self, module: &Module, options: &RunOptions) -> Result<Object> {
        self.check_value(&Value::Object(module.object.clone()))?;
        let root = Value::Object(module.object.clone()).into_wit();
        let budget = self.root_budget(options, true)?;
        let value = self.call_limited(budget, options.break_on_sigint, |g, s| block_on(g.call_evaluate_module(s, &root)))?;
        Ok(Object::from_value(self.value(value))?)
    }

    /// `import(specifier)` in the main context through the default loader:
    /// reads the module graph from the Vm's module root
    /// ([`crate::VmBuilder::module_root`]), links and evaluates it under
    /// `options`, and returns its namespace. Importing it again returns
    /// the same namespace without evaluating anything.
    pub fn import_module(&mut self, specifier: &str, options: &RunOptions) -> Result<Object> {
        let budget = self.root_budget(options, true)?;
        let value = self.call_limited(budget, options.break_on_sigint, |g, s| block_on(g.call_import_module(s, specifier)))?;
        Object::from_value(self.value(value)).map_err(Error::from)
    }

    /// Calls a guest function under `options`' `timeout` (or `fuel`) and
    /// `break_on_sigint`, with `this` undefined.
    pub fn call_function_with(&mut self, function: &Object, args: &[Value], options: &RunOptions) -> Result<Value> {
        self.check_value(&Value::Object(function.clone()))?;
        for arg in args {
            self.check_value(arg)?;
        }
        let args: Vec<_> = args.iter().cloned().map(Value::into_wit).collect();
        let budget = self.root_budget(options, true)?;
        let this = Value::Undefined.into_wit();
        let value = self.call_limited(budget, options.break_on_sigint, |g, s| block_on(g.call_call(s, function.handle(), &this, &args)))?;
        Ok(self.value(value))
    }
}
