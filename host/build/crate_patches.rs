//! The project's own patches to pinned registry crates (`guest/patches/`),
//! applied at build time: the repository never holds a copy of their
//! source. A patch file is named `<crate>-<version>-<topic>.patch`; the
//! patched crate lands in `target/patched/<crate>-<version>`, where
//! guest/Cargo.toml's `[patch.crates-io]` points (a crate whose name has a
//! `-` cannot be named this way). Today: boa_engine (stops, strings,
//! errors, ...), boa_parser (the stack check) and regress (stops during
//! backtracking).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

/// Makes sure `target/patched/<crate>-<version>` holds the registry crate
/// with its patches from `guest/patches/` applied, for every crate patched.
pub fn prepare(root: &Path, out_dir: &Path) -> anyhow::Result<()> {
    let patches_dir = root.join("guest").join("patches");
    let mut by_crate: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in std::fs::read_dir(&patches_dir)? {
        let path = entry?.path();
        if path.extension().is_none_or(|e| e != "patch") {
            continue;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let krate = crate_of(name).with_context(|| format!("{name} is not named <crate>-<version>-<topic>.patch"))?;
        by_crate.entry(krate).or_default().push(path);
    }
    for (krate, mut files) in by_crate {
        files.sort();
        prepare_crate(root, out_dir, &krate, &files)?;
    }
    Ok(())
}

/// `boa_engine-0.22.0` from `boa_engine-0.22.0-strings.patch`.
fn crate_of(file_name: &str) -> Option<String> {
    let mut parts = file_name.split('-');
    let name = parts.next()?;
    let version = parts.next()?;
    let numeric = version.split('.').count() == 3 && version.split('.').all(|n| n.parse::<u32>().is_ok());
    numeric.then(|| format!("{name}-{version}"))
}

fn prepare_crate(root: &Path, out_dir: &Path, krate: &str, files: &[PathBuf]) -> anyhow::Result<()> {
    let mut patches = String::new();
    for file in files {
        println!("cargo:rerun-if-changed={}", file.display());
        patches.push_str(&std::fs::read_to_string(file)?);
    }
    let dest = root.join("target").join("patched").join(krate);
    let stamp = dest.join(".jsvm-patches");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == patches) {
        return Ok(());
    }
    let source = registry_source(out_dir, krate)?;
    if dest.exists() {
        std::fs::remove_dir_all(&dest)?;
    }
    copy_dir(&source, &dest)?;
    for chunk in split_files(&patches) {
        apply(&dest, &chunk).with_context(|| format!("patching {krate}"))?;
    }
    std::fs::write(&stamp, patches)?;
    Ok(())
}

/// The unpacked registry source of `krate` (`name-version`), fetched if
/// needed.
fn registry_source(out_dir: &Path, krate: &str) -> anyhow::Result<PathBuf> {
    if let Some(found) = find_in_registry(krate)? {
        return Ok(found);
    }
    let (name, version) = krate.split_once('-').context("a crate is named name-version")?;
    // A throwaway manifest that depends on the exact version: `cargo fetch`
    // downloads and unpacks it into the registry.
    let fetch_dir = out_dir.join(format!("fetch-{krate}"));
    std::fs::create_dir_all(fetch_dir.join("src"))?;
    std::fs::write(
        fetch_dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"fetch-patched\"\nversion = \"0.0.0\"\nedition = \"2021\"\n[dependencies]\n{name} = {{ version = \"={version}\", default-features = false }}\n[workspace]\n"
        ),
    )?;
    std::fs::write(fetch_dir.join("src").join("lib.rs"), "")?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo).arg("fetch").current_dir(&fetch_dir).status().context("running cargo fetch")?;
    if !status.success() {
        bail!("`cargo fetch` of {krate} failed");
    }
    find_in_registry(krate)?.with_context(|| format!("{krate} is not in the cargo registry after fetching"))
}

fn find_in_registry(krate: &str) -> anyhow::Result<Option<PathBuf>> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .context("neither CARGO_HOME nor HOME is set")?;
    let src = cargo_home.join("registry").join("src");
    let Ok(indexes) = std::fs::read_dir(&src) else { return Ok(None) };
    for index in indexes.flatten() {
        let candidate = index.path().join(krate);
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
    let patch = diffy::Patch::from_str(chunk).context("parsing a patch")?;
    let name = patch.modified().context("a patch names the file it changes")?;
    let name = name.split_whitespace().next().unwrap_or_default();
    let relative = name.strip_prefix("b/").unwrap_or(name);
    let path = root.join(relative);
    // A patch may add a file (`--- /dev/null`).
    let original = if path.exists() {
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?
    } else {
        String::new()
    };
    let patched = diffy::apply(&original, &patch).with_context(|| format!("applying the patch to {relative}"))?;
    std::fs::write(&path, patched)?;
    Ok(())
}
