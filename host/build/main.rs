//! Builds the guest component for wasm32-wasip2 (release, always: a debug
//! Boa in wasm is far too slow), precompiles it for this host's engine
//! configuration, and leaves the artifact in OUT_DIR for the library to
//! embed. Installs the wasm32-wasip2 target with rustup when it is missing,
//! and applies the project's patches to pinned crates first (`crate_patches`).

mod crate_patches;
mod preinit;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

include!("../src/engine_config.rs");

const TARGET: &str = "wasm32-wasip2";

fn main() -> anyhow::Result<()> {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let root = manifest_dir.parent().context("host/ has a parent")?.to_path_buf();
    let guest = root.join("guest");
    for path in ["src", "Cargo.toml", "Cargo.lock", ".cargo", "patches"] {
        println!("cargo:rerun-if-changed={}", guest.join(path).display());
    }
    println!("cargo:rerun-if-changed={}", root.join("wit").display());
    println!("cargo:rerun-if-changed=src/engine_config.rs");
    println!("cargo:rerun-if-changed=build");

    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    ensure_target()?;
    crate_patches::prepare(&root, &out)?;
    let wasm = build_guest(&root, &guest, "release")?;
    let component = preinit::preinitialize(&std::fs::read(&wasm)?).context("pre-initialising the guest")?;
    std::fs::write(out.join("jsvm.wasm"), &component).context("writing the guest component")?;
    // For tests and tools that need the component itself (the jco build).
    println!("cargo:rustc-env=JSVM_GUEST_WASM={}", out.join("jsvm.wasm").display());
    // And beside the `jsvm` command (target/release/jsvm.wasm), where the
    // npm package's build and other component hosts find it without
    // knowing this build script's hashed directory.
    let profile_dir = out.ancestors().nth(3).context("OUT_DIR is target/<profile>/build/<crate>/out")?;
    std::fs::write(profile_dir.join("jsvm.wasm"), &component).context("copying the guest component beside the binaries")?;
    // The browser's guest: built for size, pre-initialised the same way,
    // only when asked (the npm package's build asks), as jsvm-browser.wasm.
    if std::env::var_os("CARGO_FEATURE_BROWSER_GUEST").is_some() {
        let small = build_guest(&root, &guest, "size")?;
        let component = preinit::preinitialize(&std::fs::read(&small)?).context("pre-initialising the browser's guest")?;
        std::fs::write(profile_dir.join("jsvm-browser.wasm"), component).context("writing the browser's guest component")?;
    }

    for (fuel, file) in VARIANTS {
        let engine = wasmtime::Engine::new(&engine_config(fuel)).map_err(|e| anyhow::anyhow!("{e:#}"))?;
        let precompiled = engine
            .precompile_component(&component)
            .map_err(|e| anyhow::anyhow!("precompiling the guest: {e:#}"))?;
        std::fs::write(out.join(file), precompiled)?;
    }
    Ok(())
}

/// The toolchain's wasm32-wasip2 standard library, installed if missing.
/// `rust-toolchain.toml` lists the target, but rustup does not install it
/// when RUSTUP_AUTO_INSTALL=0.
fn ensure_target() -> anyhow::Result<()> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let sysroot = Command::new(&rustc).args(["--print", "sysroot"]).output()?;
    let sysroot = PathBuf::from(String::from_utf8(sysroot.stdout)?.trim());
    if sysroot.join("lib/rustlib").join(TARGET).join("lib").is_dir() {
        return Ok(());
    }
    println!("cargo:warning=installing the {TARGET} target with rustup");
    let toolchain = sysroot.file_name().and_then(|n| n.to_str()).map(str::to_owned);
    let mut rustup = Command::new("rustup");
    rustup.args(["target", "add", TARGET]);
    if let Some(toolchain) = toolchain {
        rustup.args(["--toolchain", &toolchain]);
    }
    let status = rustup.status().context("running rustup (is it installed?)")?;
    if !status.success() {
        bail!("`rustup target add {TARGET}` failed; install the target and build again");
    }
    Ok(())
}

/// Runs a nested cargo build of the guest in its own target directory,
/// with cargo `profile` (`release`, or `size` for the browser), and
/// returns the component's path.
fn build_guest(root: &Path, guest: &Path, profile: &str) -> anyhow::Result<PathBuf> {
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("guest");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(guest)
        .args(["build", "--profile", profile, "--target", TARGET, "--target-dir"])
        .arg(&target_dir);
    // The outer build's flags are for the host, not for wasm.
    for var in ["CARGO_ENCODED_RUSTFLAGS", "RUSTFLAGS", "CARGO_BUILD_TARGET", "CARGO_TARGET_DIR", "RUSTC_WORKSPACE_WRAPPER"] {
        command.env_remove(var);
    }
    let status = command.status().context("running cargo for the guest")?;
    if !status.success() {
        bail!("building the guest component failed");
    }
    Ok(target_dir.join(TARGET).join(profile).join("jsvm_guest.wasm"))
}
