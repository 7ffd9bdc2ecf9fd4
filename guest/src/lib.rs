//! The jsvm guest: Boa serving the `jsvm:vm` WIT world.
//!
//! One Boa [`boa_engine::Context`] holds every vm context as a realm of its
//! own. The Node API itself is written in JavaScript (`js/`), evaluated once
//! in the main realm over a few native primitives (`natives`); the WIT
//! exports (`exports`) call the same JavaScript functions, so every surface
//! shares one implementation of validation and semantics.

mod bootstrap;
mod bytes;
mod component;
mod errors;
mod fast_run;
mod contextify;
mod copy_out;
mod hooks;
mod host_promises;
mod host_modules;
mod jobs;
mod limits;
mod main_program;
mod memory;
mod modules;
mod natives;
mod performance;
mod shims;
mod source;
mod stack;
mod values;

wit_bindgen::generate!({
    world: "jsvm-preinit",
    path: "../wit",
});

use component::Component;
export!(Component);
