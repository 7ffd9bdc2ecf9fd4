//! The project's own patch to boa_engine (`guest/patches/`), applied at
//! build time to the exact registry version: the repository never holds a
//! copy of Boa's source. The patched crate lands in
//! `target/patched/boa_engine-<version>`, where guest/Cargo.toml's
//! `[patch.crates-io]` points.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

/// The pinned boa_engine version the patch is written against.
pub const BOA_VERSION: &str = "0.22.0";

/// Makes sure `target/patched/boa_engine-<version>` holds the registry
/// crate with every patch in `guest/patches/` applied.
pub fn prepare(root: &Path, out_dir: &Path) -> anyhow::Result<()> {
    let patches_dir = root.join("guest").join("patches");
    let mut patch_files: Vec<PathBuf> = std::fs::read_dir(&patches_dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "patch"))
        .collect();
    patch_files.sort();
    let mut patches = String::new();
    for file in &patch_files {
        println!("cargo:rerun-if-changed={}", file.display());
        patches.push_str(&std::fs::read_to_string(file)?);
    }

    let dest = root.join("target").join("patched").join(format!("boa_engine-{BOA_VERSION}"));
    let stamp = dest.join(".jsvm-patches");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == patches) {
        return Ok(());
    }
    let source = registry_source(out_dir)?;
    if dest.exists() {
        std::fs::remove_dir_all(&dest)?;
    }
    copy_dir(&source, &dest)?;
    for chunk in split_files(&patches) {
        apply(&dest, &chunk)?;
    }
    std::fs::write(&stamp, patches)?;
    Ok(())
}

/// The unpacked registry source of boa_engine, fetched if needed.
fn registry_source(out_dir: &Path) -> anyhow::Result<PathBuf> {
    if let Some(found) = find_in_registry()? {
        return Ok(found);
    }
    // A throwaway manifest that depends on the exact version: `cargo fetch`
    // downloads and unpacks it into the registry.
    let fetch_dir = out_dir.join("fetch-boa");
    std::fs::create_dir_all(fetch_dir.join("src"))?;
    std::fs::write(
        fetch_dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"fetch-boa\"\nversion = \"0.0.0\"\nedition = \"2021\"\n[dependencies]\nboa_engine = {{ version = \"={BOA_VERSION}\", default-features = false }}\n[workspace]\n"
        ),
    )?;
    std::fs::write(fetch_dir.join("src").join("lib.rs"), "")?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo).arg("fetch").current_dir(&fetch_dir).status().context("running cargo fetch")?;
    if !status.success() {
        bail!("`cargo fetch` of boa_engine {BOA_VERSION} failed");
    }
    find_in_registry()?.with_context(|| format!("boa_engine-{BOA_VERSION} is not in the cargo registry after fetching"))
}

fn find_in_registry() -> anyhow::Result<Option<PathBuf>> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .context("neither CARGO_HOME nor HOME is set")?;
    let src = cargo_home.join("registry").join("src");
    let Ok(indexes) = std::fs::read_dir(&src) else { return Ok(None) };
    for index in indexes.flatten() {
        let candidate = index.path().join(format!("boa_engine-{BOA_VERSION}"));
        if candidate.join("Cargo.toml").is_file() {
            return Ok(Some(candidate));
        }
    }
    Ok(None)
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Splits a multi-file unified diff into one diff per file.
fn split_files(patch: &str) -> Vec<String> {
    let mut chunks: Vec<String> = Vec::new();
    for line in patch.split_inclusive('\n') {
        if line.starts_with("diff ") || chunks.is_empty() {
            chunks.push(String::new());
        }
        if !line.starts_with("diff ") {
            chunks.last_mut().expect("a chunk was pushed").push_str(line);
        }
    }
    chunks.into_iter().filter(|c| c.contains("@@")).collect()
}

/// Applies one file's diff inside `root` (paths as `b/<path>`).
fn apply(root: &Path, chunk: &str) -> anyhow::Result<()> {
    let patch = diffy::Patch::from_str(chunk).context("parsing a Boa patch")?;
    let name = patch.modified().context("a patch names the file it changes")?;
    let name = name.split_whitespace().next().unwrap_or_default();
    let relative = name.strip_prefix("b/").unwrap_or(name);
    let path = root.join(relative);
    let original = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let patched = diffy::apply(&original, &patch).with_context(|| format!("applying the patch to {relative}"))?;
    std::fs::write(&path, patched)?;
    Ok(())
}
