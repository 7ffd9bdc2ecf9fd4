//! The Python host (`python/`) as a Python user meets it: `python/run-tests.sh`
//! makes a virtual environment, `pip install`s the package (whose wheel
//! carries the component this build made) and runs its pytest suite: values
//! and host functions both ways, limits, modules, async host functions, the
//! README's example, the plugin-host example, and the conformance corpus's
//! context/script/function/errors/interop areas through the Python host.

use std::path::Path;
use std::process::Command;

#[test]
fn the_python_package_installs_and_passes_its_tests() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../python/run-tests.sh");
    let status = Command::new("bash").arg(&script).env("JSVM_COMPONENT", env!("JSVM_GUEST_WASM")).status().expect("running python/run-tests.sh");
    assert!(status.success(), "python/run-tests.sh failed");
}
