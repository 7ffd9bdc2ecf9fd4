//! The default module loader's file access: one directory, opened once
//! through cap-std, from which the guest may read modules and JSON.
//!
//! Module ids are root-relative absolute paths (`/lib/util.mjs`): the guest
//! never learns where the root is on the host. Relative specifiers
//! (`./x.mjs`, `../x.mjs`) resolve against the importing module's id, bare
//! ones (`lib/x.mjs`) against the root. A specifier that is absolute or a
//! URL, or whose `..` climbs above the root, is refused before any file is
//! touched; cap-std refuses the rest (a symlink that leads outside).

use std::io::ErrorKind;
use std::path::Path;

use cap_std::ambient_authority;
use cap_std::fs::Dir;

use crate::JsException;

/// A directory the default loader reads modules from.
pub struct ModuleRoot {
    dir: Dir,
    /// Where the root is on the host (canonical), to name a host file by
    /// its id.
    path: std::path::PathBuf,
}

/// A module the default loader read: its id and its source text.
pub struct LoadedSource {
    /// The module's id, e.g. `/main.mjs`.
    pub id: String,
    /// The file's text.
    pub source: String,
}

impl ModuleRoot {
    /// Opens `path` as the root.
    pub fn open(path: &Path) -> std::io::Result<ModuleRoot> {
        let dir = Dir::open_ambient_dir(path, ambient_authority())?;
        Ok(ModuleRoot { dir, path: std::fs::canonicalize(path)? })
    }

    /// The id of a host file inside the root (`/lib/x.js`), if it is inside.
    pub fn id_of(&self, file: &Path) -> Option<String> {
        let file = std::fs::canonicalize(file).ok()?;
        let inside = file.strip_prefix(&self.path).ok()?;
        let parts: Vec<String> = inside.iter().map(|p| p.to_string_lossy().into_owned()).collect();
        (!parts.is_empty()).then(|| format!("/{}", parts.join("/")))
    }

    /// Resolves `specifier` (imported by the module `referrer`, or by code
    /// with no module) and reads it.
    pub fn load(&self, referrer: Option<&str>, specifier: &str) -> Result<LoadedSource, JsException> {
        let id = resolve(referrer, specifier)?;
        match self.dir.read_to_string(&id[1..]) {
            Ok(source) => Ok(LoadedSource { id, source }),
            Err(error) if error.kind() == ErrorKind::NotFound || error.kind() == ErrorKind::IsADirectory => {
                Err(not_found(&id, referrer))
            }
            Err(error) => Err(denied(specifier, &format!("{error}"))),
        }
    }
}

/// A specifier's module id, without touching the file system.
pub fn resolve(referrer: Option<&str>, specifier: &str) -> Result<String, JsException> {
    if specifier.starts_with('/') || specifier.starts_with('\\') || has_scheme(specifier) {
        return Err(denied(specifier, "absolute paths and URLs are outside the module root"));
    }
    let relative = specifier.starts_with("./") || specifier.starts_with("../");
    let mut parts: Vec<&str> = Vec::new();
    if relative && let Some(referrer) = referrer {
        parts.extend(referrer.split('/').filter(|p| !p.is_empty()));
        parts.pop(); // the referrer's own file name
    }
    for part in specifier.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(denied(specifier, "it climbs above the module root"));
                }
            }
            part => parts.push(part),
        }
    }
    if parts.is_empty() {
        return Err(not_found(specifier, referrer));
    }
    Ok(format!("/{}", parts.join("/")))
}

/// `file:`, `http:`, `C:` and other `scheme:` prefixes.
fn has_scheme(specifier: &str) -> bool {
    specifier
        .split_once(':')
        .is_some_and(|(scheme, _)| !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
}

fn not_found(id: &str, referrer: Option<&str>) -> JsException {
    let from = referrer.map(|r| format!(" imported from {r}")).unwrap_or_default();
    JsException::new("Error", format!("Cannot find module '{id}'{from}")).with_code("ERR_MODULE_NOT_FOUND")
}

fn denied(specifier: &str, why: &str) -> JsException {
    JsException::new("Error", format!("Access to '{specifier}' is denied: {why}")).with_code("ERR_ACCESS_DENIED")
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn resolves_inside_the_root() {
        assert_eq!(resolve(Some("/a/b.mjs"), "./c.mjs").unwrap(), "/a/c.mjs");
        assert_eq!(resolve(Some("/a/b.mjs"), "../c.mjs").unwrap(), "/c.mjs");
        assert_eq!(resolve(Some("/a/b.mjs"), "lib/c.mjs").unwrap(), "/lib/c.mjs");
        assert_eq!(resolve(None, "./x/./y.json").unwrap(), "/x/y.json");
    }

    #[test]
    fn refuses_escapes() {
        for (referrer, specifier) in [(Some("/a.mjs"), "../x.mjs"), (Some("/a/b.mjs"), "../../x.mjs"), (None, "/etc/passwd"), (None, "file:///etc/passwd")] {
            let error = resolve(referrer, specifier).unwrap_err();
            assert_eq!(error.code.as_deref(), Some("ERR_ACCESS_DENIED"), "{specifier}");
        }
    }
}
